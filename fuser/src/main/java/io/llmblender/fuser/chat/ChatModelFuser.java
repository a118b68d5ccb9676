package io.llmblender.fuser.chat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    private final ChatModel model;
    private final dev.langchain4j.model.chat.StreamingChatModel streaming;
    private final String template;
    private final String name;

    /**
     * A fuser that asks {@code model} to write one answer from the candidates, with {@link #DEFAULT_TEMPLATE}; it does
     * not stream.
     *
     * @param model the chat model that writes the answer
     */
    public ChatModelFuser(ChatModel model) {
        this(model, null, DEFAULT_TEMPLATE, "ChatModelFuser");
    }

    private ChatModelFuser(
            ChatModel model, dev.langchain4j.model.chat.StreamingChatModel streaming, String template, String name) {
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
    }

    /**
     * The same fuser with another prompt template (it must contain {@code {{input}}} and {@code {{candidates}}}).
     *
     * @param newTemplate the prompt template
     * @return a new fuser over the same model
     */
    public ChatModelFuser withTemplate(String newTemplate) {
        return new ChatModelFuser(model, streaming, newTemplate, name);
    }

    /**
     * The same fuser streaming through {@code streamingModel} when asked to stream (the same model, streaming API).
     *
     * @param streamingModel the same model's streaming API
     * @return a new fuser that streams
     */
    public ChatModelFuser withStreaming(dev.langchain4j.model.chat.StreamingChatModel streamingModel) {
        return new ChatModelFuser(model, streamingModel, template, name);
    }

    /** Streams the chat model's answer as it arrives, when a streaming model is set. */
    @Override
    public FusionResult fuse(FusionRequest request, java.util.function.Consumer<String> tokens) {
        if (streaming == null) {
            return Fuser.super.fuse(request, tokens);
        }
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<ChatResponse> done = new java.util.concurrent.CompletableFuture<>();
        streaming.chat(
                ChatRequest.builder()
                        .messages(UserMessage.from(prompt(request)))
                        .build(),
                new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        tokens.accept(partial);
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
        ChatResponse response = done.join();
        Integer out =
                response.tokenUsage() == null ? null : response.tokenUsage().outputTokenCount();
        return new FusionResult(
                response.aiMessage().text(),
                out == null ? -1 : out,
                Duration.ofNanos(System.nanoTime() - start),
                name + "(streaming)");
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
