package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading request fields with the refusal each wrong value gets. Stateless. */
final class Fields {
    private Fields() {}

    /** A required string field. */
    static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || !v.isTextual()) {
            throw ApiError.badRequest("'" + field + "' is required and must be a string");
        }
        return v.asText();
    }

    /** An optional string field, or null. */
    static String optionalText(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }
}
