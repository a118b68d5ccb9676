package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v1/models} (the one model this server offers, the ensemble, in OpenAI's list format) and
 * {@code GET /v1/models/{id}} (that model, or OpenAI's 404 for any other id).
 */
final class ModelsEndpoint implements Endpoint {
    /** The path of the list; one model is this plus {@code /id}. */
    static final String PATH = "/v1/models";

    record ModelList(String object, List<Model> data) {}

    record Model(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy) {}

    private final Model model;

    ModelsEndpoint(String model) {
        this.model = new Model(model, "model", 0, "llm-blender-jvm");
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        if (ex.path().equals(PATH)) {
            Endpoint.send(ex, 200, new ModelList("list", List.of(model)));
            return;
        }
        String id = ex.path().substring(PATH.length() + 1);
        if (!id.equals(model.id())) {
            throw notFound(id, model.id());
        }
        Endpoint.send(ex, 200, model);
    }

    /** OpenAI's answer for a model it does not have. */
    static ApiError notFound(String asked, String served) {
        return new ApiError(
                404,
                "invalid_request_error",
                "model_not_found",
                "the model '" + asked + "' does not exist; this server offers '" + served + "'");
    }
}
