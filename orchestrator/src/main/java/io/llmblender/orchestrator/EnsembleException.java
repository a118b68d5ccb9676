package io.llmblender.orchestrator;

import io.llmblender.runtime.BlenderException;

/** No member answered; the trace says what happened to each. */
public class EnsembleException extends BlenderException {
    private static final long serialVersionUID = 1L;
    private final transient Trace trace;

    public EnsembleException(String message, Trace trace) {
        super(message);
        this.trace = trace;
    }

    public Trace trace() {
        return trace;
    }
}
