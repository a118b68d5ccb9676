package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/** {@code GET /ready}: 200 while the server admits work, 503 while it starts or drains. */
final class ReadyEndpoint implements Endpoint {
    private final Admission admission;

    ReadyEndpoint(Admission admission) {
        this.admission = admission;
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        boolean ready = admission.ready();
        Endpoint.send(ex, ready ? 200 : 503, Map.of("ready", ready));
    }
}
