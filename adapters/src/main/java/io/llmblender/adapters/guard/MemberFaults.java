package io.llmblender.adapters.guard;

import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InvalidRequestException;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Which failures are the member's own, so that its circuit breaker opens only when the member is unwell, never
 * because of what a client sent or because the ensemble stopped waiting. Stateless.
 *
 * <p>The member's fault: 5xx, 429, 401, 403, 404 (its key, model or endpoint is wrong), 408, time-outs, connection
 * failures and malformed responses. Not its fault: 400, 413 and 422 (the request's content: a prompt too long, a
 * parameter out of range, a refusal of the content), a content filter, a cancellation by the quorum or the
 * deadline, and the guard's own refusals (bulkhead full, breaker open).
 */
public final class MemberFaults {
    /** Statuses that judge the request's content, not the member (RFC 9110 §15.5.1, §15.5.14, §15.5.21). */
    static final Set<Integer> CONTENT_STATUSES = Set.of(400, 413, 422);

    private MemberFaults() {}

    /**
     * Whether {@code failure} should count against the member's circuit breaker.
     *
     * @param failure what a call threw
     * @return true for the member's fault (a server error, 429, a wrong key or model, a timeout, a refused connection),
     *     false for the request's (400, 413, 422, a content filter), a cancellation or the guard's own refusals
     */
    public static boolean isMemberFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CancellationException
                    || t instanceof InterruptedException
                    || t instanceof BulkheadFullException
                    || t instanceof CallNotPermittedException
                    || t instanceof ContentFilteredException) {
                return false;
            }
            if (t instanceof HttpException h) {
                return !CONTENT_STATUSES.contains(h.statusCode());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        // langchain4j maps every other 4xx to InvalidRequestException; without a status it is the request's fault
        return !(failure instanceof InvalidRequestException);
    }
}
