package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/** The server's one JSON mapper and the rules for request bodies. Thread-safe. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String CONTENT_TYPE = "application/json";

    private Json() {}

    /**
     * The body as a JSON object, if the request says it is JSON: {@code application/json}, optionally with
     * parameters such as {@code ; charset=utf-8}, and nothing else ({@code application/jsonx} is not JSON).
     */
    static JsonNode object(Exchange ex, int maxBytes) throws java.io.IOException {
        String type = ex.header("Content-Type");
        if (!isJson(type)) {
            throw new ApiError(
                    415,
                    "invalid_request_error",
                    "unsupported_media_type",
                    "Content-Type must be application/json, was " + (type == null ? "missing" : "'" + type + "'"));
        }
        byte[] bytes = ex.body(maxBytes);
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return media.strip().toLowerCase(Locale.ROOT).equals(CONTENT_TYPE);
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response record did not serialise", e);
        }
    }
}
