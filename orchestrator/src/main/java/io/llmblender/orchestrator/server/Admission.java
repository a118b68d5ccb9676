package io.llmblender.orchestrator.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admission control: at most {@code maxConcurrent} requests do work at once; one more is refused at once with a
 * 429 and {@code Retry-After} rather than queued, and nothing is admitted while the server is not ready (starting
 * or draining). Thread-safe.
 */
final class Admission {
    /** A taken slot; closing it gives the slot back. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final Semaphore slots;
    private final int maxConcurrent;
    private final AtomicBoolean ready = new AtomicBoolean();

    Admission(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
    }

    boolean ready() {
        return ready.get();
    }

    void open() {
        ready.set(true);
    }

    /**
     * A slot for one request.
     *
     * @throws ApiError 503 while not ready, 429 when every slot is taken
     */
    Permit admit() {
        if (!ready.get()) {
            throw new ApiError(503, "server_error", "shutting_down", "the server is shutting down");
        }
        if (!slots.tryAcquire()) {
            throw new ApiError(
                    429,
                    "rate_limit_error",
                    "server_busy",
                    "the server is at its limit of " + maxConcurrent + " concurrent requests; retry shortly",
                    Map.of("Retry-After", "1"));
        }
        return slots::release;
    }

    /**
     * Stops admitting and waits up to {@code grace} for the running requests to give their slots back.
     *
     * @return false if this admission was already closed
     */
    boolean drain(Duration grace) throws InterruptedException {
        if (!ready.getAndSet(false)) {
            return false;
        }
        if (slots.tryAcquire(maxConcurrent, grace.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release(maxConcurrent);
        } else {
            org.slf4j.LoggerFactory.getLogger(Admission.class)
                    .warn("requests still running after {}; stopping anyway", grace);
        }
        return true;
    }
}
