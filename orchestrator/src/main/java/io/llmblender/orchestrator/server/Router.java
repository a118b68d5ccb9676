package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to its endpoint: checks the path and the method, parses a POST body (already read in full,
 * so a slow client never holds a slot), takes a concurrency slot for work, and turns every refusal and failure
 * into OpenAI's JSON error body. Thread-safe.
 */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** What serves one path: the method it takes, whether it needs a concurrency slot, and the endpoint. */
    record Route(String method, boolean work, Endpoint endpoint) {}

    private final Map<String, Route> routes;
    private final Admission admission;
    private final int maxBodyBytes;

    Router(Map<String, Route> routes, Admission admission, int maxBodyBytes) {
        this.routes = Map.copyOf(routes);
        this.admission = admission;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The server's endpoints: the cheap GETs without a slot, the work behind {@code admission}. */
    static Router of(ServerSettings s, Admission admission) {
        return new Router(
                Map.of(
                        "/health",
                        new Route("GET", false, new HealthEndpoint()),
                        "/ready",
                        new Route("GET", false, new ReadyEndpoint(admission)),
                        ModelsEndpoint.PATH,
                        new Route("GET", false, new ModelsEndpoint(s.model())),
                        "/v1/chat/completions",
                        new Route("POST", true, new ChatCompletionsEndpoint(s.blender(), s.model(), s.answerable())),
                        "/v1/rank",
                        new Route("POST", true, new RankEndpoint(s.ranker(), s.maxCandidates())),
                        "/v1/compare",
                        new Route("POST", true, new CompareEndpoint(s.pairScorer()))),
                admission,
                s.maxBodyBytes());
    }

    @SuppressWarnings("try") // the slot is held for the endpoint's whole run and released by the try
    void handle(Exchange ex) {
        try {
            Route route = routes.get(ex.path());
            if (route == null && ex.path().startsWith(ModelsEndpoint.PATH + "/")) {
                route = routes.get(ModelsEndpoint.PATH); // GET /v1/models/{id}
            }
            if (route == null) {
                throw new ApiError(
                        404,
                        "invalid_request_error",
                        "unknown_url",
                        "no endpoint " + ex.method() + " " + ex.path()
                                + "; see /v1/models, /v1/chat/completions, /v1/rank, /v1/compare");
            }
            if (!ex.method().equals(route.method())) {
                throw ApiError.methodNotAllowed(ex.method(), route.method());
            }
            if (!route.work()) {
                route.endpoint().handle(ex, null);
                return;
            }
            JsonNode body = Json.object(ex, maxBodyBytes); // before the slot: the body is read and parsed first
            try (Admission.Permit slot = admission.admit()) {
                route.endpoint().handle(ex, body);
            }
        } catch (ApiError e) {
            refuse(ex, e);
        } catch (CancellationException e) {
            LOG.debug("request cancelled: the client went away");
        } catch (RuntimeException | IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.debug("request cancelled: the client went away ({})", e.toString());
                return;
            }
            LOG.warn("request failed", e);
            refuse(ex, new ApiError(500, "server_error", null, "the server failed; its log has the details"));
        }
    }

    static void refuse(Exchange ex, ApiError e) {
        try {
            ex.respond(e.status, e.headers, Json.CONTENT_TYPE, Json.bytes(e.body()));
        } catch (IOException | RuntimeException ignored) {
            // the client went away, or the headers were already sent (a failed stream): nothing more to say
        }
    }
}
