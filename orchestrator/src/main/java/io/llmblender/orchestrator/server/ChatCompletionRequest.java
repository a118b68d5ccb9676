package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import io.llmblender.orchestrator.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /v1/chat/completions} (OpenAI's wire format), checked and turned into a langchain4j
 * {@link ChatRequest} that every member receives. Sampling fields travel to the members ({@code temperature},
 * {@code top_p}, {@code max_tokens}/{@code max_completion_tokens}, {@code stop}, {@code seed},
 * {@code frequency_penalty}, {@code presence_penalty}); {@code n}, {@code stream} and {@code stream_options} are
 * the server's own; fields the ensemble cannot honour are refused by {@link UnsupportedFields}, never dropped.
 *
 * @param n how many choices to answer with: the ensemble's answer, then the other members' answers by rank
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 */
record ChatCompletionRequest(String model, ChatRequest chat, boolean stream, int n, boolean includeUsage) {
    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOP = 4;

    /**
     * @param served the model name this server offers
     * @param members how many members the ensemble has: the most choices it can give
     * @throws ApiError 400 for a malformed body or a field it cannot honour, 404 for another model
     */
    static ChatCompletionRequest parse(JsonNode req, String served, int members) {
        String asked = req.path("model").asText(null);
        if (asked == null) {
            throw ApiError.badRequest("'model' is required; this server offers '" + served + "'");
        }
        if (!asked.equals(served)) {
            throw ModelsEndpoint.notFound(asked, served);
        }
        UnsupportedFields.refuse(req);
        // OpenAI's ranges; a value outside them is refused, never clamped or wrapped
        Integer maxTokens = Fields.optionalInteger(req, "max_tokens", 1, Integer.MAX_VALUE);
        Integer maxCompletion = Fields.optionalInteger(req, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer seed = Fields.optionalInteger(req, "seed", Integer.MIN_VALUE, Integer.MAX_VALUE);
        DefaultChatRequestParameters.Builder<?> parameters = SeededParameters.builder(seed)
                .temperature(Fields.optionalNumber(req, "temperature", 0, 2))
                .topP(Fields.optionalNumber(req, "top_p", 0, 1))
                .frequencyPenalty(Fields.optionalNumber(req, "frequency_penalty", -2, 2))
                .presencePenalty(Fields.optionalNumber(req, "presence_penalty", -2, 2))
                .maxOutputTokens(maxTokens != null ? maxTokens : maxCompletion);
        List<String> stop = stop(req.get("stop"));
        if (!stop.isEmpty()) {
            parameters.stopSequences(stop);
        }
        ChatRequest chat = ChatRequest.builder()
                .messages(ChatMessages.parse(req.path("messages")))
                .parameters(parameters.build())
                .build();
        try {
            Prompt.from(chat); // what the ranker reads; refused here, before any member is called
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'messages' holds no user message with text; the ensemble answers a user");
        }
        Integer n = Fields.optionalInteger(req, "n", 1, Integer.MAX_VALUE);
        if (n != null && n > members) {
            throw ApiError.badRequest("'n' is " + n + ", but this ensemble has " + members + " member(s); each"
                    + " choice is a different member's answer (the first is the ensemble's), so ask for at most "
                    + members);
        }
        boolean stream = Fields.flag(req, "stream");
        return new ChatCompletionRequest(asked, chat, stream, n == null ? 1 : n, includeUsage(req, stream));
    }

    /** {@code stop}: a string or an array of up to four non-empty strings. */
    private static List<String> stop(JsonNode v) {
        List<String> stop = new ArrayList<>();
        if (v == null || v.isNull()) {
            return stop;
        }
        if (v.isTextual()) {
            v = Json.MAPPER.createArrayNode().add(v.asText());
        }
        if (!v.isArray() || v.size() > MAX_STOP) {
            throw ApiError.badRequest("'stop' must be a string or an array of at most " + MAX_STOP + " strings");
        }
        for (JsonNode s : v) {
            if (!s.isTextual() || s.asText().isEmpty()) {
                throw ApiError.badRequest("'stop' holds " + s + "; each stop sequence must be a non-empty string");
            }
            stop.add(s.asText());
        }
        return stop;
    }

    private static boolean includeUsage(JsonNode req, boolean stream) {
        JsonNode options = req.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!stream) {
            throw ApiError.badRequest("'stream_options' is only allowed when 'stream' is true");
        }
        if (!options.isObject()) {
            throw ApiError.badRequest("'stream_options' must be an object such as {\"include_usage\": true}");
        }
        return Fields.flag(options, "include_usage");
    }
}
