package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/** {@code GET /health}: the process answers. Never takes a slot, so it answers while the server is busy. */
final class HealthEndpoint implements Endpoint {
    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        Endpoint.send(ex, 200, Map.of("status", "ok"));
    }
}
