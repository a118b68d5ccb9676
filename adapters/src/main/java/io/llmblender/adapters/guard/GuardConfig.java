package io.llmblender.adapters.guard;

import java.time.Duration;

/**
 * How one ensemble member is guarded.
 *
 * @param timeout the time limit of one attempt; the call is interrupted when it passes
 * @param maxAttempts attempts in all (1 = no retry); only retryable failures are retried
 * @param initialBackoff the wait before the first retry, doubled for each further one
 * @param failureRateThreshold percentage of failed calls that opens the circuit breaker
 * @param minimumCalls calls the breaker needs before it judges the failure rate
 * @param openDuration how long an open breaker rejects calls before letting a trial call through (half-open)
 * @param maxConcurrentCalls the bulkhead: calls to this member at once
 */
public record GuardConfig(
        Duration timeout,
        int maxAttempts,
        Duration initialBackoff,
        float failureRateThreshold,
        int minimumCalls,
        Duration openDuration,
        int maxConcurrentCalls) {

    /**
     * Refuses a non-positive timeout, fewer than one attempt, call or concurrent call, and a failure rate outside (0,
     * 100].
     *
     * @param timeout the time limit of one attempt
     * @param maxAttempts attempts in all (1 = no retry)
     * @param initialBackoff the wait before the first retry, doubled for each further one
     * @param failureRateThreshold percentage of failed calls that opens the circuit breaker
     * @param minimumCalls calls the breaker needs before it judges the failure rate
     * @param openDuration how long an open breaker rejects calls
     * @param maxConcurrentCalls calls to this member at once
     * @throws IllegalArgumentException for a value out of range
     */
    public GuardConfig {
        if (timeout.isNegative()
                || timeout.isZero()
                || maxAttempts < 1
                || minimumCalls < 1
                || maxConcurrentCalls < 1
                || failureRateThreshold <= 0
                || failureRateThreshold > 100) {
            throw new IllegalArgumentException("invalid guard configuration " + timeout + ", attempts " + maxAttempts
                    + ", failure rate " + failureRateThreshold + "%, minimum calls " + minimumCalls + ", concurrency "
                    + maxConcurrentCalls);
        }
    }

    /**
     * 60 s per attempt, 3 attempts from 500 ms backoff, breaker at 50% of 10 calls open for 30 s, 4 at once.
     *
     * @return the default guard
     */
    public static GuardConfig defaults() {
        return new GuardConfig(Duration.ofSeconds(60), 3, Duration.ofMillis(500), 50f, 10, Duration.ofSeconds(30), 4);
    }

    /**
     * This guard with another time limit per attempt.
     *
     * @param t the time limit of one attempt; positive
     * @return a new guard
     */
    public GuardConfig withTimeout(Duration t) {
        return new GuardConfig(
                t, maxAttempts, initialBackoff, failureRateThreshold, minimumCalls, openDuration, maxConcurrentCalls);
    }

    /**
     * This guard with other retries.
     *
     * @param attempts attempts in all (1 = no retry)
     * @param backoff the wait before the first retry, doubled for each further one
     * @return a new guard
     */
    public GuardConfig withRetries(int attempts, Duration backoff) {
        return new GuardConfig(
                timeout, attempts, backoff, failureRateThreshold, minimumCalls, openDuration, maxConcurrentCalls);
    }

    /**
     * This guard with another circuit breaker.
     *
     * @param rate percentage of failed calls that opens the breaker, in (0, 100]
     * @param minimum calls the breaker needs before it judges the failure rate
     * @param open how long an open breaker rejects calls before a trial call
     * @return a new guard
     */
    public GuardConfig withBreaker(float rate, int minimum, Duration open) {
        return new GuardConfig(timeout, maxAttempts, initialBackoff, rate, minimum, open, maxConcurrentCalls);
    }
}
