package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.EnsembleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the ensemble's answer, whole or streamed as OpenAI's chunks. Thread-safe if
 * the blender is.
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final Blender blender;
    private final String model;

    ChatCompletionsEndpoint(Blender blender, String model) {
        this.blender = blender;
        this.model = model;
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        ChatCompletionRequest req = ChatCompletionRequest.parse(body, model);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            stream(ex, id, created, req.chat());
            return;
        }
        BlendResult result;
        try {
            result = blender.blend(req.chat());
        } catch (EnsembleException e) {
            throw new ApiError(502, "upstream_error", "no_member_answered", e.getMessage());
        }
        Endpoint.send(ex, 200, ChatCompletion.of(id, created, model, result));
    }

    /**
     * The role at once, then the answer as the ensemble produces it (a fuser that generates token by token streams
     * as it generates; a chosen answer comes in word-sized pieces), then the finish and [DONE]. An error after the
     * headers went out is sent as an {@code error} event.
     */
    private void stream(Exchange ex, String id, long created, ChatRequest request) throws IOException {
        try (SseWriter sse =
                new SseWriter(ex.stream(200, Map.of("Cache-Control", "no-cache"), SseWriter.CONTENT_TYPE))) {
            sse.event(ChatCompletionChunk.of(id, created, model, new ChatCompletionChunk.Delta("assistant", ""), null));
            try {
                blender.blend(request, piece -> {
                    try {
                        for (String word : piece.split("(?<=\\s)")) {
                            sse.event(ChatCompletionChunk.of(
                                    id, created, model, new ChatCompletionChunk.Delta(null, word), null));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                sse.event(
                        ChatCompletionChunk.of(id, created, model, new ChatCompletionChunk.Delta(null, null), "stop"));
            } catch (EnsembleException | UncheckedIOException e) {
                sse.event(new ApiError(502, "upstream_error", null, e.getMessage()).body());
            }
            sse.done();
        }
    }
}
