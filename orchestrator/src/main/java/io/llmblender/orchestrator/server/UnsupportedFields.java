package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The chat-completions fields the ensemble cannot honour, refused with a 400 that says why rather than dropped (a
 * client that asked for a tool call or a JSON schema and got prose would fail later, and further from the cause).
 * A field set to its neutral value (no tools, {@code tool_choice: "none"}, {@code response_format: {"type":
 * "text"}}, {@code logprobs: false}) asks for nothing and is accepted. Stateless.
 */
final class UnsupportedFields {
    private static final String TOOLS_WHY = "the ensemble ranks and fuses the members' text answers, and a tool call"
            + " has no text to rank or fuse; call a member directly for tool use";
    private static final Set<String> NEUTRAL_CHOICES = Set.of("none", "auto");

    private UnsupportedFields() {}

    /** @throws ApiError 400 naming the first field the ensemble cannot honour, and why */
    static void refuse(JsonNode req) {
        for (String field : new String[] {"tools", "functions"}) {
            if (given(req, field) && !req.get(field).isEmpty()) {
                throw refused(field, TOOLS_WHY);
            }
        }
        for (String field : new String[] {"tool_choice", "function_call"}) {
            if (given(req, field) && !NEUTRAL_CHOICES.contains(req.get(field).asText())) {
                throw refused(field, TOOLS_WHY);
            }
        }
        if (given(req, "response_format")) {
            String type = req.get("response_format").path("type").asText("");
            if (!type.equals("text")) {
                throw refused(
                        "response_format",
                        "the answer is chosen or fused from several members' texts and nothing holds it to a format"
                                + " ('" + type + "'); ask for JSON in the prompt, or call a member directly");
            }
        }
        if (req.path("logprobs").asBoolean(false) || given(req, "top_logprobs")) {
            throw refused(
                    req.path("logprobs").asBoolean(false) ? "logprobs" : "top_logprobs",
                    "the answer is ranked or fused from several models' outputs, so it has no token probabilities");
        }
        if (given(req, "logit_bias") && !req.get("logit_bias").isEmpty()) {
            throw refused("logit_bias", "token ids differ between the members' tokenizers");
        }
        boolean audio = given(req, "audio");
        for (JsonNode m : req.path("modalities")) {
            audio |= m.asText().equals("audio");
        }
        if (audio) {
            throw refused("audio", "the ensemble answers in text only");
        }
    }

    private static boolean given(JsonNode req, String field) {
        return req.hasNonNull(field);
    }

    private static ApiError refused(String field, String why) {
        return ApiError.badRequest("'" + field + "' is not supported by this server: " + why);
    }
}
