package io.llmblender.orchestrator;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs an in-process stage (ranking, fusion) on its own thread within a budget, so the caller can stop waiting
 * when the budget is spent or the caller itself is interrupted; the stage's thread is then interrupted too. A
 * model pass that does not check for interruption runs on to its end, and its result is dropped. Thread-safe.
 */
final class StageRunner {
    private final ExecutorService threads;
    private final Scheduler scheduler;

    StageRunner(ExecutorService threads, Scheduler scheduler) {
        this.threads = threads;
        this.scheduler = scheduler;
    }

    Deadline deadline(Duration budget) {
        return new Deadline(scheduler, budget);
    }

    /** {@link #run(Deadline, Supplier, Runnable)} with nothing to do before the stage is cancelled. */
    <T> Optional<T> run(Deadline deadline, Supplier<T> stage) throws InterruptedException {
        return run(deadline, stage, () -> {});
    }

    /**
     * The stage's result, or empty if {@code deadline} passed first.
     *
     * @param beforeCancel runs before a late stage's thread is interrupted, e.g. to close what it writes to, so
     *     nothing it does after its deadline reaches anyone
     * @throws InterruptedException if the caller was interrupted while waiting (the stage is cancelled)
     */
    <T> Optional<T> run(Deadline deadline, Supplier<T> stage, Runnable beforeCancel) throws InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> task = threads.submit(() -> {
            try {
                result.complete(stage.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            CompletableFuture.anyOf(result, deadline.whenPassed()).get();
        } catch (ExecutionException failed) {
            // the stage threw: rethrown below, as its own exception
        } catch (InterruptedException e) {
            beforeCancel.run();
            task.cancel(true);
            throw e;
        }
        if (!result.isDone()) {
            beforeCancel.run();
            task.cancel(true);
            return Optional.empty();
        }
        try {
            return Optional.of(result.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
