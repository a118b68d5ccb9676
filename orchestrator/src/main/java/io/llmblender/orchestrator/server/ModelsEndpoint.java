package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/** {@code GET /v1/models}: the one model this server offers, the ensemble, in OpenAI's list format. */
final class ModelsEndpoint implements Endpoint {
    record ModelList(String object, List<Model> data) {}

    record Model(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy) {}

    private final ModelList list;

    ModelsEndpoint(String model) {
        this.list = new ModelList("list", List.of(new Model(model, "model", 0, "llm-blender-jvm")));
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        Endpoint.send(ex, 200, list);
    }
}
