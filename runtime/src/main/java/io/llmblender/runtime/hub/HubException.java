package io.llmblender.runtime.hub;

import io.llmblender.runtime.BlenderException;

/** A model file could not be had: not found, not reachable, offline and not cached, or corrupt in transit. */
public class HubException extends BlenderException {
    private static final long serialVersionUID = 1L;

    /**
     * A file could not be had; the message says which and what to do.
     *
     * @param message what failed and the fix
     */
    public HubException(String message) {
        super(message);
    }

    /**
     * As {@link #HubException(String)}, keeping the lower-level failure as the cause.
     *
     * @param message what failed and the fix
     * @param cause the underlying exception, e.g. an {@code IOException} from the connection
     */
    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
