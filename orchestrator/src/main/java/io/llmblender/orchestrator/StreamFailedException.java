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
    /** The text already streamed when the fusion stopped. */
    private final String streamed;

    /**
     * A stream that stopped after {@code streamed} had reached the consumer.
     *
     * @param message what went wrong
     * @param streamed the text already streamed
     * @param trace what happened in the call
     */
    public StreamFailedException(String message, String streamed, Trace trace) {
        super(message);
        this.streamed = streamed;
        this.trace = trace;
    }

    /**
     * What had been streamed when it stopped.
     *
     * @return the streamed text
     */
    public String streamed() {
        return streamed;
    }

    /**
     * What happened in the call.
     *
     * @return the trace; null after deserialisation
     */
    public Trace trace() {
        return trace;
    }
}
