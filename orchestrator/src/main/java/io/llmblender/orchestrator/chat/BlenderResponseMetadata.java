package io.llmblender.orchestrator.chat;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.llmblender.orchestrator.Trace;

/** Response metadata of {@link BlenderChatModel}: the standard fields plus the ensemble's {@link Trace}. */
public final class BlenderResponseMetadata extends ChatResponseMetadata {
    private final Trace trace;

    private BlenderResponseMetadata(Builder builder) {
        super(builder);
        this.trace = builder.trace;
    }

    /**
     * The ensemble's trace of the call: every member's outcome, the ranking, what was chosen or fused.
     *
     * @return the trace; null after deserialisation
     */
    public Trace trace() {
        return trace;
    }

    static Builder builder(Trace trace) {
        return new Builder(trace);
    }

    static final class Builder extends ChatResponseMetadata.Builder<Builder> {
        private final Trace trace;

        Builder(Trace trace) {
            this.trace = trace;
        }

        @Override
        public BlenderResponseMetadata build() {
            return new BlenderResponseMetadata(this);
        }
    }
}
