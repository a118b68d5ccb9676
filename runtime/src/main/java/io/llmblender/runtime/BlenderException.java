package io.llmblender.runtime;

/**
 * The one unchecked root of every error this project raises on purpose. Subclasses carry the data a user
 * needs to fix the problem (a file and a tensor key, a config field, a member name); the message always says
 * what was wrong and what to do.
 */
public class BlenderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error whose message says what was wrong and what to do about it.
     *
     * @param message what was wrong and the fix
     */
    public BlenderException(String message) {
        super(message);
    }

    /**
     * An error caused by a lower-level failure, which is kept as the cause.
     *
     * @param message what was wrong and the fix
     * @param cause the underlying exception (an {@code IOException}, a parse error)
     */
    public BlenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
