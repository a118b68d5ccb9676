package io.llmblender.orchestrator;

import io.llmblender.runtime.BlenderException;

/**
 * A streamed answer stopped partway: fusion failed, or ran out of its budget, after part of it had reached the
 * caller's consumer. Only a streaming call raises it; the pieces already streamed are an unfinished fusion, not an
 * answer, and no fallback follows them (a client would read two answers glued together). A call that does not
 * stream falls back to the top-ranked answer instead. The trace says who answered and what went wrong.
 */
public class StreamFailedException extends BlenderException {
    private static final long serialVersionUID = 1L;
    private final transient Trace trace;
    private final String streamed;

    public StreamFailedException(String message, String streamed, Trace trace) {
        super(message);
        this.streamed = streamed;
        this.trace = trace;
    }

    /** What had been streamed when it stopped. */
    public String streamed() {
        return streamed;
    }

    public Trace trace() {
        return trace;
    }
}
