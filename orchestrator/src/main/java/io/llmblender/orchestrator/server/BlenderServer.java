package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.llmblender.orchestrator.Blender;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble as an OpenAI-compatible HTTP service:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} answers with the ensemble (model {@code blender}), streaming as
 *       server-sent events in OpenAI's chunk format when {@code stream} is true;</li>
 *   <li>{@code GET /v1/models};</li>
 *   <li>{@code POST /v1/rank} (a {@link Ranker}) and {@code POST /v1/compare} (a {@link PairScorer}): scores,
 *       e.g. as the reward of an RLHF loop in any language;</li>
 *   <li>{@code GET /health} and {@code GET /ready}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (BlenderServer server = BlenderServer.builder()
 *         .blender(blender)
 *         .ranker(pairRm)            // optional: /v1/rank
 *         .pairScorer(pairRm)        // optional: /v1/compare
 *         .port(8080)
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * Every refusal is a 4xx with OpenAI's JSON error body and no stack trace: wrong method (405), wrong content type
 * (415), a body over the limit (413), malformed JSON or missing fields (400), an unknown model (404). At most
 * {@code maxConcurrent} requests do work at once; more get 429 at once rather than queueing. {@link #close()}
 * stops accepting, lets running requests finish (up to a grace period) and then stops. Thread-safe.
 */
public final class BlenderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlenderServer.class);
    /** The model name the ensemble is offered under unless the builder names another. */
    public static final String MODEL = "blender";

    /** What serves one path: the method it takes, whether it needs a concurrency slot, and the endpoint. */
    private record Route(String method, boolean work, Endpoint endpoint) {}

    private final HttpServer server;
    private final ExecutorService pool;
    private final Admission admission;
    private final Map<String, Route> routes;
    private final int maxBodyBytes;
    private final Duration grace;

    private BlenderServer(Builder b) throws IOException {
        this.admission = new Admission(b.maxConcurrent);
        this.maxBodyBytes = b.maxBodyBytes;
        this.grace = b.grace;
        Endpoint chat = b.blender == null
                ? (ex, body) -> {
                    throw ApiError.notSupported("this server has no ensemble; it serves /v1/rank and /v1/compare");
                }
                : new ChatCompletionsEndpoint(b.blender, b.model);
        this.routes = Map.of(
                "/health", new Route("GET", false, new HealthEndpoint()),
                "/ready", new Route("GET", false, new ReadyEndpoint(admission)),
                "/v1/models", new Route("GET", false, new ModelsEndpoint(b.model)),
                "/v1/chat/completions", new Route("POST", true, chat),
                "/v1/rank", new Route("POST", true, new RankEndpoint(b.ranker)),
                "/v1/compare", new Route("POST", true, new CompareEndpoint(b.pairScorer)));
        this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
        this.pool = Executors.newFixedThreadPool(Math.max(4, b.maxConcurrent * 2), r -> {
            Thread t = new Thread(r, "blender-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            try (ex) {
                handle(new JdkExchange(ex));
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on (the one picked, for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(Exchange ex) {
        try {
            Route route = routes.get(ex.path());
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
            try (Admission.Permit slot = admission.admit()) {
                JsonNode body = Json.object(ex, maxBodyBytes);
                route.endpoint().handle(ex, body);
            }
        } catch (ApiError e) {
            refuse(ex, e);
        } catch (RuntimeException | IOException e) {
            LOG.warn("request failed", e);
            refuse(ex, new ApiError(500, "server_error", null, "the server failed; its log has the details"));
        }
    }

    private static void refuse(Exchange ex, ApiError e) {
        try {
            ex.respond(e.status, e.headers, Json.CONTENT_TYPE, Json.bytes(e.body()));
        } catch (IOException | RuntimeException ignored) {
            // the client went away, or the headers were already sent (a failed stream): nothing more to say
        }
    }

    /**
     * Graceful shutdown: new work is refused (503), running requests finish (up to the grace period), then the
     * listener stops. Idempotent.
     */
    @Override
    public void close() {
        try {
            if (!admission.drain(grace)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        pool.shutdownNow();
    }

    /**
     * Builds and starts a {@link BlenderServer}. Defaults: {@code 127.0.0.1}, port 8080, model
     * {@value BlenderServer#MODEL}, 8 concurrent requests, 1 MiB bodies, 30 s grace on close.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String model = MODEL;
        private Blender blender;
        private Ranker ranker;
        private PairScorer pairScorer;
        private int maxConcurrent = 8;
        private int maxBodyBytes = 1 << 20;
        private Duration grace = Duration.ofSeconds(30);

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port; 0 picks a free one ({@link BlenderServer#port()} tells which). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The model name clients ask for, e.g. a named ensemble of a config file. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Serves {@code /v1/chat/completions}; without one that endpoint answers 501. */
        public Builder blender(Blender blender) {
            this.blender = blender;
            return this;
        }

        /** Serves {@code /v1/rank}; without one that endpoint answers 501. */
        public Builder ranker(Ranker ranker) {
            this.ranker = ranker;
            return this;
        }

        /** Serves {@code /v1/compare}; without one that endpoint answers 501. */
        public Builder pairScorer(PairScorer pairScorer) {
            this.pairScorer = pairScorer;
            return this;
        }

        /** Requests doing work at once; one more gets 429. */
        public Builder maxConcurrent(int n) {
            this.maxConcurrent = n;
            return this;
        }

        /** The longest request body; a longer one gets 413. */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = n;
            return this;
        }

        /** How long {@link BlenderServer#close()} waits for running requests. */
        public Builder grace(Duration grace) {
            this.grace = grace;
            return this;
        }

        /** Starts listening; the server is ready when this returns. */
        public BlenderServer start() throws IOException {
            if (maxConcurrent < 1 || maxBodyBytes < 1 || port < 0 || port > 65_535) {
                throw new IllegalStateException("cannot start the server: maxConcurrent " + maxConcurrent
                        + " and maxBodyBytes " + maxBodyBytes + " must be at least 1, port " + port
                        + " within 0..65535");
            }
            BlenderServer s = new BlenderServer(this);
            s.server.start();
            s.admission.open();
            LOG.info("serving on http://{}:{}", host, s.port());
            return s;
        }
    }
}
