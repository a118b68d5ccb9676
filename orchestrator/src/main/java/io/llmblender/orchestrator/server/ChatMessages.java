package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code messages} of a chat-completions request as langchain4j messages. A {@code content} is a string or,
 * as OpenAI's SDKs also send it, an array of parts; text parts are joined by a newline (assistant {@code refusal}
 * parts count as text), while image, audio and file parts are refused: the rankers and fusers read text, and an
 * answer chosen without seeing the picture would be a guess. Tool messages and tool calls are refused for the same
 * reason as {@code tools}. Stateless.
 */
final class ChatMessages {
    private ChatMessages() {}

    static List<ChatMessage> parse(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array");
        }
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiError.badRequest("'" + at + "' must be an object with 'role' and 'content'");
            }
            String role = m.path("role").asText("");
            boolean calls = !m.path("tool_calls").isEmpty()
                    || !m.path("function_call").isMissingNode()
                            && !m.path("function_call").isNull();
            if (role.equals("tool") || role.equals("function") || calls) {
                throw ApiError.badRequest("'" + at + "' is a tool call or a tool result; this server does not"
                        + " support tools (see 'tools'), so send the conversation as text");
            }
            String text = text(m.path("content"), at + ".content", role.equals("assistant"));
            switch (role) {
                case "system", "developer" -> chat.add(SystemMessage.from(text));
                case "user" -> chat.add(UserMessage.from(text));
                case "assistant" -> chat.add(AiMessage.from(text));
                default ->
                    throw ApiError.badRequest(
                            "'" + at + ".role' is '" + role + "'; use system, developer, user or assistant");
            }
        }
        return chat;
    }

    /** A string content as it is, or the text parts of an array joined by a newline. */
    private static String text(JsonNode content, String at, boolean assistant) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray() || content.isEmpty()) {
            throw ApiError.badRequest("'" + at + "' must be a string or a non-empty array of text parts");
        }
        List<String> texts = new ArrayList<>();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText("");
            String field = type.equals("refusal") && assistant ? "refusal" : "text";
            if (!type.equals(field)) {
                throw ApiError.badRequest("'" + at + "[" + p + "]' is a"
                        + (type.isEmpty() ? " part without a type" : " '" + type + "' part")
                        + "; the ensemble ranks and fuses text only, so send {\"type\": \"text\", \"text\": ...}"
                        + " parts (describe an image or transcribe audio first)");
            }
            if (!part.path(field).isTextual()) {
                throw ApiError.badRequest("'" + at + "[" + p + "]." + field + "' must be a string");
            }
            texts.add(part.get(field).asText());
        }
        return String.join("\n", texts);
    }
}
