package io.llmblender.orchestrator.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The whole ensemble behind one langchain4j {@link ChatModel} and {@link StreamingChatModel}: a drop-in for any app
 * or {@code AiServices}, blocking or streaming ({@code TokenStream}).
 *
 * <pre>{@code
 * ChatModel model = new BlenderChatModel(blender);            // instead of one provider's model
 * Assistant assistant = AiServices.create(Assistant.class, model);   // typed ChatModel: see below
 * ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build());
 * Trace trace = ((BlenderResponseMetadata) r.metadata()).trace();   // every member's answer, scores, timings
 * }</pre>
 *
 * A multi-turn chat needs nothing special: the ensemble ranks each member's answer in the context of the shared
 * history, as {@code compare_conversations} lays conversations out ({@link io.llmblender.orchestrator.Prompt}).
 * Request parameters (temperature, max tokens, …) travel to every member with the request. The reported token
 * usage is the sum over the members. Its provider is {@link ModelProvider#OTHER} and it claims no capability
 * (JSON-schema response format, tools) that every member would have to share.
 *
 * <p>Streaming follows langchain4j's contract: the call returns at once and the blend runs on the model's executor
 * (a new daemon thread per call unless one is given); a fusion reaches {@code onPartialResponse} piece by piece as
 * the fuser generates it, a chosen answer in one piece once ranking has chosen it (members do not stream: their
 * answers must be whole to be ranked); then {@code onCompleteResponse} with the same metadata as {@code chat}, or
 * {@code onError} (no member answered, no user text, the call was cancelled by its caller). The partial responses
 * concatenate to the complete response's text. Cancelling through the partial response's
 * {@code streamingHandle()} interrupts the blend, cancels the members still running, and ends the callbacks.
 *
 * <p>Being both, a variable typed {@code BlenderChatModel} makes {@code AiServices.create(type, model)} ambiguous:
 * type it as {@code ChatModel} or {@code StreamingChatModel} (as above), or use {@code AiServices.builder(type)
 * .chatModel(model)} / {@code .streamingChatModel(model)}. Thread-safe.
 */
public final class BlenderChatModel implements ChatModel, StreamingChatModel {
    private static final Executor THREAD_PER_CALL = task -> {
        Thread t = new Thread(task, "blender-stream");
        t.setDaemon(true);
        t.start();
    };

    private final Blender blender;
    private final Executor streams;

    /**
     * The ensemble as a langchain4j chat model; each streamed call runs on a thread of its own.
     *
     * @param blender the ensemble that answers; stays the caller's to close
     */
    public BlenderChatModel(Blender blender) {
        this(blender, THREAD_PER_CALL);
    }

    /**
     * The ensemble as a langchain4j chat model whose streamed calls run on {@code streams}.
     *
     * @param blender the ensemble that answers; stays the caller's to close
     * @param streams where streamed blends run; one task per call, for the call's whole duration
     */
    public BlenderChatModel(Blender blender, Executor streams) {
        this.blender = blender;
        this.streams = streams;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return response(blender.blend(request));
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        BlendStream stream = new BlendStream(blender, request, handler);
        try {
            streams.execute(stream);
        } catch (RejectedExecutionException e) {
            stream.fail(e);
        }
    }

    /** The response of a blend: its answer, the members' summed usage, and the {@link BlenderResponseMetadata}. */
    static ChatResponse response(BlendResult result) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(result.answer()))
                .metadata(BlenderResponseMetadata.builder(result.trace())
                        .modelName("blender")
                        .tokenUsage(result.trace().tokenUsage())
                        .finishReason(FinishReason.STOP)
                        .build())
                .build();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return DefaultChatRequestParameters.EMPTY;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /**
     * The ensemble this model answers with.
     *
     * @return the ensemble
     */
    public Blender blender() {
        return blender;
    }
}
