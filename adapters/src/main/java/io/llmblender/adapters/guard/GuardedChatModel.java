package io.llmblender.adapters.guard;

import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ensemble member behind resilience4j, composed as {@code Retry(CircuitBreaker(TimeLimiter(Bulkhead(call))))}:
 * <ul>
 *   <li>the time limit interrupts the attempt's thread (the Future variant, ecosystem notes §2.2: a
 *       CompletableFuture timeout would leave the call running);</li>
 *   <li>retries with exponential backoff on retryable failures only: langchain4j's {@link RetriableException}
 *       (5xx, 429, 408) and time-outs, never {@link NonRetriableException} (401/403, 404, other 4xx);</li>
 *   <li>a circuit breaker per member that counts only the member's own faults ({@link MemberFaults}): a client's
 *       bad prompts (400, 413, 422) and the ensemble's cancellations never open it;</li>
 *   <li>a bulkhead bounding the calls to the member at once.</li>
 * </ul>
 * When the caller's thread is interrupted (the ensemble stopped waiting: quorum met, deadline passed, client
 * gone), the running attempt is cancelled too: its thread is interrupted, which aborts the HTTP exchange of
 * langchain4j's JDK client and returns the bulkhead permit; the caller gets a {@link CancellationException},
 * which is neither retried nor counted.
 *
 * <p>Retries happen here only. A member built by hand must have its own off, e.g.
 * {@code OpenAiChatModel.builder().maxRetries(0)} (langchain4j's default is 2): otherwise each guarded attempt is
 * up to three HTTP calls, and three attempts are nine. {@code Members} builds every configured member so. The
 * resilience4j instances are exposed so their events reach the user. Thread-safe.
 */
public final class GuardedChatModel implements ChatModel {
    /**
     * A response and the attempts it took.
     *
     * @param response the member's response
     * @param attempts the attempts it took, at least 1
     */
    public record Attempted(ChatResponse response, int attempts) {}

    /** A failure after {@code attempts} attempts; the cause is the last attempt's. */
    public static final class GuardedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** How many attempts were made. */
        private final int attempts;

        GuardedException(Throwable cause, int attempts) {
            super(cause.getMessage(), cause);
            this.attempts = attempts;
        }

        /**
         * How many attempts were made before giving up.
         *
         * @return at least 1, or 0 when no attempt ran (the breaker or bulkhead refused)
         */
        public int attempts() {
            return attempts;
        }
    }

    private final String name;
    private final ChatModel member;
    private final ExecutorService pool;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final TimeLimiter limiter;
    private final Bulkhead bulkhead;

    /**
     * Guards {@code member}; attempts run on {@code pool} (which the caller owns and shuts down).
     *
     * @param name the member's name, in errors and in the resilience4j instances' names
     * @param member the model to guard; its own retries should be off
     * @param config time limit, retries, breaker and bulkhead
     * @param pool runs the attempts, so a timed-out one can be interrupted
     */
    public GuardedChatModel(String name, ChatModel member, GuardConfig config, ExecutorService pool) {
        this.name = name;
        this.member = member;
        this.pool = pool;
        IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(config.initialBackoff(), 2.0);
        this.retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(config.maxAttempts())
                        // a server's Retry-After (429, 503) wins over the backoff, up to one attempt's time limit
                        .intervalBiFunction((attempt, either) -> either.isLeft()
                                ? io.llmblender.adapters.http.RetryAfterException.in(either.getLeft())
                                        .map(d -> Math.min(
                                                d.toMillis(), config.timeout().toMillis()))
                                        .orElseGet(() -> backoff.apply(attempt))
                                : backoff.apply(attempt))
                        .retryOnException(GuardedChatModel::retryable)
                        .build());
        this.breaker = CircuitBreaker.of(
                name,
                CircuitBreakerConfig.custom()
                        .failureRateThreshold(config.failureRateThreshold())
                        .minimumNumberOfCalls(config.minimumCalls())
                        .slidingWindowSize(Math.max(config.minimumCalls(), 10))
                        .waitDurationInOpenState(config.openDuration())
                        .permittedNumberOfCallsInHalfOpenState(1)
                        // ignored, not recorded as successes (resilience4j counts an unrecorded failure as a success)
                        .ignoreException(e -> !MemberFaults.isMemberFault(e))
                        .build());
        this.limiter = TimeLimiter.of(
                name,
                TimeLimiterConfig.custom()
                        .timeoutDuration(config.timeout())
                        .cancelRunningFuture(true)
                        .build());
        this.bulkhead = Bulkhead.of(
                name,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(config.maxConcurrentCalls())
                        .maxWaitDuration(config.timeout())
                        .build());
    }

    /** Retryable: langchain4j's retriable failures and time-outs; never a non-retriable (auth, validation) error. */
    static boolean retryable(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return !(t instanceof NonRetriableException)
                && (t instanceof RetriableException || t instanceof TimeoutException);
    }

    /**
     * Calls the member under every guard; the attempts count travels with the response or the failure.
     *
     * @param request the chat request
     * @return the member's response and the attempts it took
     * @throws GuardedException when every attempt failed or the breaker or bulkhead refused the call
     */
    public Attempted call(ChatRequest request) {
        AtomicInteger attempts = new AtomicInteger();
        Callable<ChatResponse> attempt = () -> {
            attempts.incrementAndGet();
            return member.chat(request);
        };
        Callable<ChatResponse> limited = () -> {
            Future<ChatResponse> running = pool.submit(Bulkhead.decorateCallable(bulkhead, attempt));
            try {
                return TimeLimiter.decorateFutureSupplier(limiter, () -> running)
                        .call();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception inner ? inner : e;
            } catch (InterruptedException e) {
                running.cancel(true); // the caller gave up: stop the call on the wire and free its permit
                Thread.currentThread().interrupt();
                CancellationException abandoned = new CancellationException("the ensemble stopped waiting for " + name);
                abandoned.initCause(e);
                throw abandoned;
            }
        };
        Callable<ChatResponse> guarded =
                Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, limited));
        try {
            return new Attempted(guarded.call(), attempts.get());
        } catch (Exception e) {
            throw new GuardedException(e, attempts.get());
        }
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return call(request).response();
    }

    @Override
    public ModelProvider provider() {
        return member.provider();
    }

    /**
     * The member's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The retry of this member's attempts, for its events.
     *
     * @return the retry
     */
    public Retry retry() {
        return retry;
    }

    /**
     * The member's circuit breaker, for its state and events.
     *
     * @return the breaker
     */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /**
     * The time limit of one attempt, for its events.
     *
     * @return the time limiter
     */
    public TimeLimiter timeLimiter() {
        return limiter;
    }

    /**
     * The bulkhead that bounds the calls to this member at once, for its metrics and events.
     *
     * @return the bulkhead
     */
    public Bulkhead bulkhead() {
        return bulkhead;
    }
}
