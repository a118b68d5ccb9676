package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
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
        ChatRequest.Builder request = ChatRequest.builder().messages(messages(req.path("messages")));
        if (req.has("temperature")) {
            request.temperature(req.get("temperature").asDouble());
        }
        if (req.has("top_p")) {
            request.topP(req.get("top_p").asDouble());
        }
        if (req.has("max_tokens") || req.has("max_completion_tokens")) {
            request.maxOutputTokens(
                    req.has("max_tokens")
                            ? req.get("max_tokens").asInt()
                            : req.get("max_completion_tokens").asInt());
        }
        return new ChatCompletionRequest(
                asked, request.build(), req.path("stream").asBoolean(false));
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
            if (!content.isTextual()) {
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
        if (chat.stream().noneMatch(m -> m instanceof UserMessage)) {
            throw ApiError.badRequest("'messages' holds no user message");
        }
        return chat;
    }
}
