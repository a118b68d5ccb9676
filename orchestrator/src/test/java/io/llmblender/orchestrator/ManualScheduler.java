package io.llmblender.orchestrator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Scheduler} whose tasks run only when the test says: deadlines pass at a chosen moment, never because
 * the machine was slow. {@link #passedAtOnce} makes a budget that is spent before its stage begins.
 */
public final class ManualScheduler implements Scheduler {
    private record Task(Duration delay, Runnable run) {}

    private final List<Task> tasks = new ArrayList<>();
    private final List<Duration> immediate = new ArrayList<>();

    /** Tasks scheduled with {@code delay} run as soon as they are scheduled. */
    public synchronized ManualScheduler passedAtOnce(Duration delay) {
        immediate.add(delay);
        return this;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        synchronized (this) {
            if (!immediate.contains(delay)) {
                Task t = new Task(delay, task);
                tasks.add(t);
                return () -> cancel(t);
            }
        }
        task.run();
        return () -> {};
    }

    private synchronized void cancel(Task t) {
        tasks.remove(t);
    }

    /** Runs every pending task scheduled with {@code delay}; how many ran. */
    public int fire(Duration delay) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            for (Task t : tasks) {
                if (t.delay().equals(delay)) {
                    due.add(t);
                }
            }
            tasks.removeAll(due);
        }
        due.forEach(t -> t.run().run());
        return due.size();
    }
}
