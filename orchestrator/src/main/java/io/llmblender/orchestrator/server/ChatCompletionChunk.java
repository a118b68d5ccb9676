package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One server-sent event of a streamed chat completion, in OpenAI's {@code chat.completion.chunk} format. The
 * {@code usage} is sent only in the last chunk of a stream that asked for it, with no choices, as OpenAI does.
 */
record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.Usage usage) {
    /** {@code finish_reason} is null in every chunk but the last, and OpenAI sends the null explicitly. */
    record Choice(
            int index,
            Delta delta,
            @JsonProperty("finish_reason") String finishReason) {}

    /** What this chunk adds: the role (first chunk), a piece of content, or nothing (the finishing chunk). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {}

    static ChatCompletionChunk of(String id, long created, String model, int index, Delta delta, String finishReason) {
        return new ChatCompletionChunk(
                id, "chat.completion.chunk", created, model, List.of(new Choice(index, delta, finishReason)), null);
    }

    /** The last chunk of a stream with {@code include_usage}: no choices, the usage. */
    static ChatCompletionChunk usage(String id, long created, String model, ChatCompletion.Usage usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }
}
