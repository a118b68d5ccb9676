package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * One endpoint of the server. The router has already checked the method, read and parsed a POST body and taken a
 * concurrency slot for work; an endpoint refuses what it cannot serve by throwing {@link ApiError}.
 */
@FunctionalInterface
interface Endpoint {
    /** @param body the request's JSON object, or null for a GET */
    void handle(Exchange ex, JsonNode body) throws IOException;

    /** A complete JSON response. */
    static void send(Exchange ex, int status, Object body) throws IOException {
        ex.respond(status, java.util.Map.of(), Json.CONTENT_TYPE, Json.bytes(body));
    }
}
