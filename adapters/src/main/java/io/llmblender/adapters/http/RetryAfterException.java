package io.llmblender.adapters.http;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/** An HTTP error whose response said when to try again ({@code Retry-After}, in seconds). */
public final class RetryAfterException extends HttpException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public RetryAfterException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The {@code Retry-After} anywhere in {@code t}'s cause chain (langchain4j wraps HTTP errors). */
    public static Optional<Duration> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RetryAfterException r && r.retryAfter != null) {
                return Optional.of(r.retryAfter);
            }
        }
        return Optional.empty();
    }
}
