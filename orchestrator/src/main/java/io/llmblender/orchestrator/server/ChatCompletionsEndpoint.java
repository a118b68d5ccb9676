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

    ChatCompletionsEndpoint(Blender blender, String model) {
        this.blender = blender;
        this.model = model;
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        ChatCompletionRequest req = ChatCompletionRequest.parse(body, model);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            new ChatStream(blender, id, created, model).send(ex, req.chat());
            return;
        }
        BlendResult result;
        try {
            result = blender.blend(req.chat());
        } catch (EnsembleException e) {
            throw noAnswer(e);
        }
        Endpoint.send(ex, 200, ChatCompletion.of(id, created, model, result));
    }

    /**
     * What a client may know of why no member answered: who failed and who was abandoned, not the members'
     * exceptions (their class names and the providers' bodies stay in the server's log).
     */
    static ApiError noAnswer(EnsembleException e) {
        List<String> what = new ArrayList<>();
        for (MemberOutcome o : e.trace().outcomes()) {
            what.add(
                    o instanceof MemberOutcome.Abandoned a
                            ? o.member() + " was abandoned (" + a.reason() + ")"
                            : o.member() + " failed");
        }
        return new ApiError(
                502,
                "upstream_error",
                "no_member_answered",
                "no member answered: " + String.join(", ", what)
                        + "; check the members' keys and endpoints, the server's log has each failure");
    }
}
