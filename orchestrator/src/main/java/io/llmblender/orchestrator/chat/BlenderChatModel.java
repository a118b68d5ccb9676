package io.llmblender.orchestrator.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;

/**
 * The whole ensemble behind one langchain4j {@link ChatModel}: a drop-in for any app or {@code AiServices}.
 *
 * <pre>{@code
 * ChatModel model = new BlenderChatModel(blender);            // instead of one provider's model
 * Assistant assistant = AiServices.create(Assistant.class, model);
 * ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build());
 * Trace trace = ((BlenderResponseMetadata) r.metadata()).trace();   // every member's answer, scores, timings
 * }</pre>
 *
 * A multi-turn chat needs nothing special: the ensemble ranks each member's answer in the context of the shared
 * history ({@link io.llmblender.orchestrator.Prompt}). Request parameters (temperature, max tokens, …) travel to
 * every member with the request. The reported token
 * usage is the sum over the members. Its provider is {@link ModelProvider#OTHER} and it claims no capability
 * (JSON-schema response format, tools) that every member would have to share. Thread-safe.
 */
public final class BlenderChatModel implements ChatModel {
    private final Blender blender;

    public BlenderChatModel(Blender blender) {
        this.blender = blender;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        BlendResult result = blender.blend(request);
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

    public Blender blender() {
        return blender;
    }
}
