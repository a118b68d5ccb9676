package io.llmblender.runtime;

/**
 * The one unchecked root of every error this project raises on purpose. Subclasses carry the data a user
 * needs to fix the problem (a file and a tensor key, a config field, a member name); the message always says
 * what was wrong and what to do.
 */
public class BlenderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BlenderException(String message) {
        super(message);
    }

    public BlenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
