package io.llmblender.fuser.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.runtime.BlenderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Any langchain4j {@link ChatModel} as the fuser, the Mixture-of-Agents "aggregator" style: one prompt shows the
 * ranked candidates (best first, each with its rank) and asks for one answer better than all of them.
 *
 * <pre>{@code
 * Fuser fuser = new ChatModelFuser(OpenAiChatModel.builder().modelName("gpt-4o-mini").apiKey(key).build());
 * FusionResult r = fuser.fuse(new FusionRequest("What is 2+2?", List.of("4", "2+2 equals 4.")));
 * }</pre>
 *
 * The prompt is a template with the placeholders {@code {{instruction}}}, {@code {{input}}}, {@code {{count}}}
 * and {@code {{candidates}}}; {@link #withTemplate} replaces it. Thread-safe if the chat model is.
 */
public final class ChatModelFuser implements Fuser {
    /** The default prompt. */
    public static final String DEFAULT_TEMPLATE = """
            You are given a request and {{count}} candidate answers to it, written by different assistants and \
            ranked from best to worst by a reward model.
            Write one answer that is better than every candidate: keep what is correct and useful in any of them, \
            fix their mistakes, and leave out what is wrong or irrelevant. Reply with the answer only; do not \
            mention the candidates or their ranks.
            {{instruction}}
            Request:
            {{input}}

            Candidates (best first):
            {{candidates}}""";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private final ChatModel model;
    private final StreamingChatModel streaming;
    private final String template;
    private final String name;
    private final Duration timeout;

    /**
     * A fuser that asks {@code model} to write one answer from the candidates, with {@link #DEFAULT_TEMPLATE}; it does
     * not stream.
     *
     * @param model the chat model that writes the answer
     */
    public ChatModelFuser(ChatModel model) {
        this(model, null, DEFAULT_TEMPLATE, "ChatModelFuser", DEFAULT_TIMEOUT);
    }

    private ChatModelFuser(
            ChatModel model, StreamingChatModel streaming, String template, String name, Duration timeout) {
        for (String required : List.of("{{input}}", "{{candidates}}")) {
            if (!template.contains(required)) {
                throw new IllegalArgumentException("the fusion template has no " + required
                        + " placeholder; the chat model would never see the " + required.replaceAll("[{}]", ""));
            }
        }
        this.model = model;
        this.streaming = streaming;
        this.template = template;
        this.name = name;
        this.timeout = timeout;
    }

    /**
     * The same fuser with another prompt template (it must contain {@code {{input}}} and {@code {{candidates}}}).
     *
     * @param newTemplate the prompt template
     * @return a new fuser over the same model
     */
    public ChatModelFuser withTemplate(String newTemplate) {
        return new ChatModelFuser(model, streaming, newTemplate, name, timeout);
    }

    /**
     * The same fuser streaming through {@code streamingModel} when asked to stream (the same model, streaming API).
     *
     * @param streamingModel the same model's streaming API
     * @return a new fuser that streams
     */
    public ChatModelFuser withStreaming(StreamingChatModel streamingModel) {
        return new ChatModelFuser(model, streamingModel, template, name, timeout);
    }

    /**
     * The same fuser waiting at most {@code timeout} for a streamed fusion to finish (default 120 s, the fusion
     * budget of a {@code Blender}); past it the stream is cancelled and the call fails. An interrupted caller (a
     * spent budget, a client that left) stops waiting at once.
     *
     * @param timeout how long a streamed fusion may take; positive
     * @return a new fuser over the same models
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public ChatModelFuser withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the fusion timeout must be positive, was " + timeout);
        }
        return new ChatModelFuser(model, streaming, template, name, timeout);
    }

    /**
     * Streams the chat model's answer as it arrives, when a streaming model is set; waits for its end no longer
     * than the timeout, and not at all once the calling thread is interrupted. No piece reaches {@code tokens}
     * after the wait ended.
     *
     * @throws BlenderException if the stream failed or did not end within the timeout
     * @throws CancellationException if the calling thread was interrupted while it waited
     */
    @Override
    public FusionResult fuse(FusionRequest request, Consumer<String> tokens) {
        if (streaming == null) {
            return Fuser.super.fuse(request, tokens);
        }
        long start = System.nanoTime();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        AtomicBoolean over = new AtomicBoolean(); // set when this call stops waiting: later pieces are dropped
        streaming.chat(
                ChatRequest.builder()
                        .messages(UserMessage.from(prompt(request)))
                        .build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                        if (over.get()) {
                            context.streamingHandle().cancel(); // nobody reads it any more: stop the model's work
                        } else {
                            onPartialResponse(partial.text());
                        }
                    }

                    @Override
                    public void onPartialResponse(String partial) {
                        if (!over.get()) {
                            tokens.accept(partial);
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse response = await(done, over);
        Integer out =
                response.tokenUsage() == null ? null : response.tokenUsage().outputTokenCount();
        return new FusionResult(
                response.aiMessage().text(),
                out == null ? -1 : out,
                Duration.ofNanos(System.nanoTime() - start),
                name + "(streaming)");
    }

    private ChatResponse await(CompletableFuture<ChatResponse> done, AtomicBoolean over) {
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            over.set(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("the streamed fusion was cancelled by its caller");
        } catch (TimeoutException e) {
            over.set(true);
            throw new BlenderException("the streamed fusion did not finish within " + timeout
                    + "; raise it with ChatModelFuser.withTimeout, or check the fusing model's endpoint");
        } catch (ExecutionException e) {
            over.set(true);
            throw new BlenderException("the streamed fusion failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The prompt for {@code request}, as the chat model receives it.
     *
     * @param request the instruction, input and ranked candidates
     * @return the prompt text
     */
    public String prompt(FusionRequest request) {
        List<String> ranked = new ArrayList<>();
        for (int i = 0; i < request.candidates().size(); i++) {
            ranked.add("[Rank " + (i + 1) + "]\n" + request.candidates().get(i));
        }
        String instruction =
                request.instruction() == null || request.instruction().isBlank()
                        ? ""
                        : "Instruction: " + request.instruction() + "\n";
        return template.replace("{{instruction}}\n", instruction)
                .replace("{{instruction}}", instruction)
                .replace("{{count}}", Integer.toString(request.candidates().size()))
                .replace("{{input}}", request.input())
                .replace("{{candidates}}", String.join("\n\n", ranked));
    }

    @Override
    public FusionResult fuse(FusionRequest request) {
        long start = System.nanoTime();
        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from(prompt(request)))
                .build());
        Integer out =
                response.tokenUsage() == null ? null : response.tokenUsage().outputTokenCount();
        return new FusionResult(
                response.aiMessage().text(),
                out == null ? -1 : out,
                Duration.ofNanos(System.nanoTime() - start),
                name + (response.modelName() == null ? "" : "(" + response.modelName() + ")"));
    }
}
