package io.llmblender.orchestrator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One stage's deadline: passes once its budget is spent, as the {@link Scheduler} says. Thread-safe. */
final class Deadline implements AutoCloseable {
    private final Duration budget;
    private final CompletableFuture<Void> passed = new CompletableFuture<>();
    private final Scheduler.Cancellable timer;

    Deadline(Scheduler scheduler, Duration budget) {
        this.budget = budget;
        this.timer = scheduler.schedule(budget, () -> passed.complete(null));
    }

    Duration budget() {
        return budget;
    }

    boolean passed() {
        return passed.isDone();
    }

    /** Completes when the deadline passes; never fails. */
    CompletableFuture<Void> whenPassed() {
        return passed;
    }

    /** Calls off the timer once the stage is over. */
    @Override
    public void close() {
        timer.cancel();
    }
}
