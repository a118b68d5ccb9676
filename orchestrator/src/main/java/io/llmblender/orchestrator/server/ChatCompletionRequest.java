package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.orchestrator.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /v1/chat/completions} (OpenAI's wire format), checked and turned into a langchain4j
 * {@link ChatRequest}. Fields the ensemble has no use for (tools, n, logprobs, …) are ignored, as OpenAI-compatible
 * servers commonly do.
 */
record ChatCompletionRequest(String model, ChatRequest chat, boolean stream) {
    /**
     * @param served the model name this server offers
     * @throws ApiError 400 for a malformed body, 404 for another model
     */
    static ChatCompletionRequest parse(JsonNode req, String served) {
        String asked = req.path("model").asText(null);
        if (asked == null) {
            throw ApiError.badRequest("'model' is required; this server offers '" + served + "'");
        }
        if (!asked.equals(served)) {
            throw new ApiError(
                    404,
                    "invalid_request_error",
                    "model_not_found",
                    "the model '" + asked + "' does not exist; this server offers '" + served + "'");
        }
        // OpenAI's ranges; a value outside them is refused, never clamped or wrapped
        Integer maxTokens = Fields.optionalInteger(req, "max_tokens", 1, Integer.MAX_VALUE);
        Integer maxCompletion = Fields.optionalInteger(req, "max_completion_tokens", 1, Integer.MAX_VALUE);
        ChatRequest chat = ChatRequest.builder()
                .messages(messages(req.path("messages")))
                .temperature(Fields.optionalNumber(req, "temperature", 0, 2))
                .topP(Fields.optionalNumber(req, "top_p", 0, 1))
                .maxOutputTokens(maxTokens != null ? maxTokens : maxCompletion)
                .build();
        try {
            Prompt.from(chat); // what the ranker reads; refused here, before any member is called
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'messages' holds no user message with text; the ensemble answers a user");
        }
        return new ChatCompletionRequest(asked, chat, Fields.flag(req, "stream"));
    }

    private static List<ChatMessage> messages(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array");
        }
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            JsonNode content = m.path("content");
            if (!m.isObject() || !content.isTextual()) {
                throw ApiError.badRequest("'messages[" + i + "].content' must be a string");
            }
            switch (role) {
                case "system", "developer" -> chat.add(SystemMessage.from(content.asText()));
                case "user" -> chat.add(UserMessage.from(content.asText()));
                case "assistant" -> chat.add(AiMessage.from(content.asText()));
                default ->
                    throw ApiError.badRequest(
                            "'messages[" + i + "].role' is '" + role + "'; use system, user or assistant");
            }
        }
        return chat;
    }
}
