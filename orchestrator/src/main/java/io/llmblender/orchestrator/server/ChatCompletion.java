package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.langchain4j.model.output.TokenUsage;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response of {@code POST /v1/chat/completions} in OpenAI's wire format, plus a {@code blender} object with
 * what the ensemble chose (clients that do not know it ignore it).
 */
record ChatCompletion(
        String id, String object, long created, String model, List<Choice> choices, Usage usage, Blend blender) {

    record Choice(
            int index,
            Message message,
            @JsonProperty("finish_reason") String finishReason) {}

    record Message(String role, String content) {}

    record Usage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {
        /** What the members used together (the ensemble's own models count no tokens). */
        static Usage of(Trace trace) {
            TokenUsage usage = trace.tokenUsage();
            return new Usage(usage.inputTokenCount(), usage.outputTokenCount(), usage.totalTokenCount());
        }
    }

    /** Who was chosen, or whose answers were fused (best first), and every member's rank. */
    record Blend(String chosen, @JsonProperty("fused_from") List<String> fusedFrom, Map<String, Integer> ranks) {}

    /** The response with {@code n} choices (see {@link Choices}). */
    static ChatCompletion of(String id, long created, String model, BlendResult result, int n) {
        Trace trace = result.trace();
        List<Choice> choices = new ArrayList<>();
        for (String text : Choices.of(result, n)) {
            choices.add(new Choice(choices.size(), new Message("assistant", text), "stop"));
        }
        return new ChatCompletion(
                id,
                "chat.completion",
                created,
                model,
                choices,
                Usage.of(trace),
                new Blend(trace.chosen().orElse(null), trace.fusedFrom(), trace.ranks()));
    }
}
