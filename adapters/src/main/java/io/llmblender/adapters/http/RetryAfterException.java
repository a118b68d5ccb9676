package io.llmblender.adapters.http;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/** An HTTP error whose response said when to try again ({@code Retry-After}, in seconds). */
public final class RetryAfterException extends HttpException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    /**
     * An HTTP error response with a {@code Retry-After} header.
     *
     * @param statusCode the response's status, e.g. 429
     * @param body the response's body
     * @param retryAfter how long the server asked to wait
     */
    public RetryAfterException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    /**
     * How long the server asked to wait before the next attempt.
     *
     * @return the wait; null after deserialisation
     */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * The {@code Retry-After} anywhere in {@code t}'s cause chain (langchain4j wraps HTTP errors).
     *
     * @param t a failure
     * @return the wait the server asked for, or empty if no cause carries one
     */
    public static Optional<Duration> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RetryAfterException r && r.retryAfter != null) {
                return Optional.of(r.retryAfter);
            }
        }
        return Optional.empty();
    }
}
