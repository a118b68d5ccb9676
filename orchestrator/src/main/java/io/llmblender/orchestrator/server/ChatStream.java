package io.llmblender.orchestrator.server;

import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.EnsembleException;
import io.llmblender.orchestrator.StreamFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streamed chat completion: the role at once, then the answer as the ensemble produces it (a fuser that
 * generates token by token streams as it generates; a chosen answer comes in word-sized pieces), then the finish
 * and, with {@code n > 1}, the other members' answers as whole choices, then the usage if asked
 * ({@code stream_options.include_usage}) and {@code [DONE]}. A failure after the headers went out ends the stream with one OpenAI-shaped {@code error}
 * event and no {@code [DONE]}, the connection dropped after it, so no client takes a cut-off fusion for a whole
 * answer, nor a fallback after it for its continuation. Not thread-safe; one per request.
 */
final class ChatStream {
    private static final Logger LOG = LoggerFactory.getLogger(ChatStream.class);

    private final Blender blender;
    private final String id;
    private final long created;
    private final String model;
    private final Function<EnsembleException, ApiError> noAnswer;

    ChatStream(Blender blender, String id, long created, String model, Function<EnsembleException, ApiError> noAnswer) {
        this.blender = blender;
        this.id = id;
        this.created = created;
        this.model = model;
        this.noAnswer = noAnswer;
    }

    void send(Exchange ex, ChatCompletionRequest request) throws IOException {
        try (SseWriter sse =
                new SseWriter(ex.stream(200, Map.of("Cache-Control", "no-cache"), SseWriter.CONTENT_TYPE))) {
            sse.event(chunk(0, new ChatCompletionChunk.Delta("assistant", ""), null));
            ApiError failure = null;
            try {
                BlendResult result = blender.blend(request.chat(), piece -> {
                    try {
                        for (String word : piece.split("(?<=\\s)")) {
                            sse.event(chunk(0, new ChatCompletionChunk.Delta(null, word), null));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                sse.event(chunk(0, new ChatCompletionChunk.Delta(null, null), "stop"));
                List<String> choices = Choices.of(result, request.n());
                for (int i = 1; i < choices.size(); i++) { // the other members' answers exist whole: one chunk each
                    sse.event(chunk(i, new ChatCompletionChunk.Delta("assistant", choices.get(i)), null));
                    sse.event(chunk(i, new ChatCompletionChunk.Delta(null, null), "stop"));
                }
                if (request.includeUsage()) {
                    sse.event(ChatCompletionChunk.usage(id, created, model, ChatCompletion.Usage.of(result.trace())));
                }
            } catch (EnsembleException e) {
                failure = noAnswer.apply(e);
            } catch (StreamFailedException e) {
                LOG.warn(
                        "a streamed fusion failed after {} characters: {}",
                        e.streamed().length(),
                        e.getMessage());
                failure = new ApiError(
                        500,
                        "server_error",
                        "fusion_failed",
                        "the fusion failed after part of it was streamed; the text so far is unfinished, not an"
                                + " answer: retry the request (the server's log has the cause)");
            } catch (UncheckedIOException | CancellationException e) {
                throw e; // the client went away: nobody to tell
            } catch (RuntimeException e) {
                LOG.warn("a streamed completion failed", e);
                failure = new ApiError(500, "server_error", null, "the server failed; its log has the details");
            }
            if (failure == null) {
                sse.done();
            } else {
                sse.event(failure.body()); // what OpenAI's SDKs raise; the dropped connection is for the others
                ex.abort();
            }
        }
    }

    private ChatCompletionChunk chunk(int index, ChatCompletionChunk.Delta delta, String finishReason) {
        return ChatCompletionChunk.of(id, created, model, index, delta, finishReason);
    }
}
