package io.llmblender.runtime.hub;

import io.llmblender.runtime.BlenderException;

/** A model file could not be had: not found, not reachable, offline and not cached, or corrupt in transit. */
public class HubException extends BlenderException {
    private static final long serialVersionUID = 1L;

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
