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

    /** An optional integer within {@code [min, max]}, or null; a fraction, a string or a value out of range is refused. */
    static Integer optionalInteger(JsonNode req, String field, long min, long max) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        // canConvertToLong is false for integers past 64 bits, so nothing wraps on the way to the check
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiError.badRequest("'" + field + "' is " + v + "; it must be an integer from " + min + " to " + max);
        }
        return (int) v.asLong();
    }

    /** An optional number within {@code [min, max]}, or null. */
    static Double optionalNumber(JsonNode req, String field, double min, double max) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiError.badRequest("'" + field + "' is " + v + "; it must be a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    /** An optional boolean, false when absent. */
    static boolean flag(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest("'" + field + "' is " + v + "; it must be true or false");
        }
        return v.asBoolean();
    }

    /** A candidate answer: a non-blank string, named by its place in the request when it is not. */
    static String candidate(JsonNode v, String at) {
        if (v == null || !v.isTextual()) {
            throw ApiError.badRequest(
                    "'" + at + "' must be a string, was " + (v == null ? "missing" : v.getNodeType()));
        }
        if (v.asText().isBlank()) {
            // a blank answer has nothing to judge; PairRM would still score it, so the refusal is this server's rule
            throw ApiError.badRequest("'" + at + "' is blank; send the answer's text (rank a refusal as its words)");
        }
        return v.asText();
    }
}
