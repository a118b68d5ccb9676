package io.llmblender.runtime;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The door every forward pass of a model goes through: a permit bounds how many passes run at once (torch
 * already spreads one pass over every core, so more rarely adds throughput, only memory), and {@link #close}
 * waits for the passes in flight before the model frees its weights. A pass after close gets an
 * {@link IllegalStateException} that names the model, never freed memory. Thread-safe.
 */
public final class PassGate {
    private final String model;
    private final Semaphore permits;
    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A gate letting {@code concurrentPasses} passes of one model run at once.
     *
     * @param model how errors name the model, e.g. {@code "PairRM (models/PairRM-hf)"}
     * @param concurrentPasses passes that may run at once, at least 1
     */
    public PassGate(String model, int concurrentPasses) {
        if (concurrentPasses < 1) {
            throw new IllegalArgumentException("at least one pass must be allowed to run; got " + concurrentPasses);
        }
        this.model = model;
        this.permits = new Semaphore(concurrentPasses, true);
    }

    /**
     * Runs one pass under a permit; waits for a permit if all are taken.
     *
     * @param <T> what the pass returns
     * @param body the pass
     * @return what {@code body} returned
     * @throws IllegalStateException if the gate is closed
     * @throws java.util.concurrent.CancellationException if the caller is interrupted while it waits for a permit (the
     *     interrupt flag is set again)
     */
    public <T> T pass(Supplier<T> body) {
        life.readLock().lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException(model + " is closed; load it again to run more passes");
            }
            // A free permit is taken without looking at the interrupt flag; the pass itself checks it between layers.
            if (!permits.tryAcquire()) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the caller gave up: say so the way a cancelled task does
                    throw new java.util.concurrent.CancellationException(
                            model + ": interrupted while waiting for a free pass");
                }
            }
            try {
                return body.get();
            } finally {
                permits.release();
            }
        } finally {
            life.readLock().unlock();
        }
    }

    /**
     * Refuses new passes, waits for those in flight, then runs {@code release} (freeing the weights) once.
     * Idempotent: later calls return at once.
     *
     * @param release frees the model's native memory; runs exactly once, with no pass in flight
     */
    public void close(Runnable release) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        life.writeLock().lock();
        try {
            release.run();
        } finally {
            life.writeLock().unlock();
        }
    }

    /**
     * Whether {@link #close} has been called.
     *
     * @return true once closing has begun
     */
    public boolean isClosed() {
        return closed.get();
    }
}
