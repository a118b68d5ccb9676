package io.llmblender.orchestrator;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once a delay has passed: how the ensemble learns that a stage's deadline passed. Injected
 * ({@link BlenderBuilder#scheduler}) so a test decides the moment instead of sleeping. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface Scheduler {
    /**
     * Runs {@code task} once, {@code delay} from now; the handle cancels it if it has not run yet.
     *
     * @param delay how long from now
     * @param task what to run
     * @return the handle that calls it off
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not started; does nothing otherwise. */
        void cancel();
    }

    /**
     * Tasks on {@code executor}, which the caller owns.
     *
     * @param executor runs the tasks
     * @return a scheduler over it
     */
    static Scheduler of(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
