package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One server-sent event of a streamed chat completion, in OpenAI's {@code chat.completion.chunk} format. */
record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices) {
    /** {@code finish_reason} is null in every chunk but the last, and OpenAI sends the null explicitly. */
    record Choice(
            int index,
            Delta delta,
            @JsonProperty("finish_reason") String finishReason) {}

    /** What this chunk adds: the role (first chunk), a piece of content, or nothing (the finishing chunk). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {}

    static ChatCompletionChunk of(String id, long created, String model, Delta delta, String finishReason) {
        return new ChatCompletionChunk(
                id, "chat.completion.chunk", created, model, List.of(new Choice(0, delta, finishReason)));
    }
}
