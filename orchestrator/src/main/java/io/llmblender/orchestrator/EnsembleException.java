package io.llmblender.orchestrator;

import io.llmblender.runtime.BlenderException;

/** No member answered; the trace says what happened to each. */
public class EnsembleException extends BlenderException {
    private static final long serialVersionUID = 1L;
    private final transient Trace trace;

    /**
     * No member answered.
     *
     * @param message what happened and what to check
     * @param trace every member's outcome
     */
    public EnsembleException(String message, Trace trace) {
        super(message);
        this.trace = trace;
    }

    /**
     * What happened to each member.
     *
     * @return the trace; null after deserialisation
     */
    public Trace trace() {
        return trace;
    }
}
