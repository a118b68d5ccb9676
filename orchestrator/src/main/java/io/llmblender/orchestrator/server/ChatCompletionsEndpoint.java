package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.EnsembleException;
import io.llmblender.orchestrator.MemberOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the ensemble's answer, whole or streamed as OpenAI's chunks. Thread-safe if
 * the blender is.
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final Blender blender;
    private final String model;
    private final List<String> answerable;

    /**
     * @param blender the ensemble, or null for a server without one (this endpoint then answers 501)
     * @param answerable the only prompts the members can answer (replayed members), or empty when they answer any
     */
    ChatCompletionsEndpoint(Blender blender, String model, List<String> answerable) {
        this.blender = blender;
        this.model = model;
        this.answerable = List.copyOf(answerable);
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        if (blender == null) {
            throw ApiError.notSupported("this server has no ensemble; it serves /v1/rank and /v1/compare");
        }
        ChatCompletionRequest req =
                ChatCompletionRequest.parse(body, model, blender.members().size());
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            new ChatStream(blender, id, created, model, this::noAnswer).send(ex, req);
            return;
        }
        BlendResult result;
        try {
            result = blender.blend(req.chat());
        } catch (EnsembleException e) {
            throw noAnswer(e);
        }
        Endpoint.send(ex, 200, ChatCompletion.of(id, created, model, result, req.n()));
    }

    /**
     * What a client may know of why no member answered: who failed and who was abandoned, not the members'
     * exceptions (their class names and the providers' bodies stay in the server's log); for replayed members, the
     * prompts they can answer, since any other prompt fails them all.
     */
    ApiError noAnswer(EnsembleException e) {
        List<String> what = new ArrayList<>();
        for (MemberOutcome o : e.trace().outcomes()) {
            what.add(
                    o instanceof MemberOutcome.Abandoned a
                            ? o.member() + " was abandoned (" + a.reason() + ")"
                            : o.member() + " failed");
        }
        String fix = answerable.isEmpty()
                ? "check the members' keys and endpoints, the server's log has each failure"
                : "these members replay recorded answers; ask one of these " + answerable.size()
                        + " questions word for word: " + Json.MAPPER.valueToTree(answerable);
        return new ApiError(
                502,
                "upstream_error",
                "no_member_answered",
                "no member answered: " + String.join(", ", what) + "; " + fix);
    }
}
