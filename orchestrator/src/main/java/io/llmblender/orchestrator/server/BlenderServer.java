package io.llmblender.orchestrator.server;

import io.llmblender.orchestrator.Blender;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble as an OpenAI-compatible HTTP service:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} answers with the ensemble (model {@code blender}), streaming as
 *       server-sent events in OpenAI's chunk format when {@code stream} is true;</li>
 *   <li>{@code GET /v1/models} and {@code GET /v1/models/{id}};</li>
 *   <li>{@code POST /v1/rank} (a {@link Ranker}) and {@code POST /v1/compare} (a {@link PairScorer}): scores,
 *       e.g. as the reward of an RLHF loop in any language; {@code GET /health} and {@code GET /ready}.</li>
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
 * Every refusal is a 4xx or 5xx with OpenAI's JSON error body, no stack trace and no class name: wrong method
 * (405), wrong content type (415), a body over the limit (413), malformed JSON, missing or out-of-range fields,
 * too many candidates (400), an unknown model (404), a body too slow (408), a malformed request line or headers
 * (400, 431). At most {@code maxConcurrent} requests do work at once, counted only once their body has arrived;
 * more get 429 at once rather than queueing. Connections past {@code maxConnections} get 503; a connection has
 * {@code headerTimeout} to send each request's headers and {@code bodyTimeout} for its body. A client that goes
 * away cancels its request's work. It runs on Jetty, whose connections cost no thread while they wait; the JDK's
 * own server has only JVM-wide timeouts and writes HTML for malformed requests. {@link #close()} stops
 * admitting, lets running requests finish (up to a grace period) and then stops. Thread-safe.
 */
public final class BlenderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlenderServer.class);
    /** The model name the ensemble is offered under unless the builder names another. */
    public static final String MODEL = "blender";

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final ScheduledExecutorService timers;
    private final Admission admission;
    private final Duration grace;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BlenderServer(Builder b) {
        this.admission = new Admission(b.maxConcurrent);
        this.grace = b.grace;
        Endpoint chat = new ChatCompletionsEndpoint(b.blender, b.model, b.answerable);
        Router router = new Router(
                Map.of(
                        "/health",
                        new Router.Route("GET", false, new HealthEndpoint()),
                        "/ready",
                        new Router.Route("GET", false, new ReadyEndpoint(admission)),
                        ModelsEndpoint.PATH,
                        new Router.Route("GET", false, new ModelsEndpoint(b.model)),
                        "/v1/chat/completions",
                        new Router.Route("POST", true, chat),
                        "/v1/rank",
                        new Router.Route("POST", true, new RankEndpoint(b.ranker, b.maxCandidates)),
                        "/v1/compare",
                        new Router.Route("POST", true, new CompareEndpoint(b.pairScorer))),
                admission,
                b.maxBodyBytes);
        // threads for every admitted request, the cheap GETs beside them, and Jetty's own acceptor and selector
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, 2 * b.maxConcurrent + 8), 4);
        threads.setName("blender-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blender-http-timer");
            t.setDaemon(true);
            return t;
        });
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        this.guard = new ConnectionGuard(b.maxConnections, b.headerTimeout, timers);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new JettyHandler(router, guard, b.maxBodyBytes, b.bodyTimeout, timers, threads));
    }

    /**
     * A builder with the defaults of {@link Builder}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The port it listens on (the one picked, for port 0).
     *
     * @return the port
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Connections open now; what the connection limit counts.
     *
     * @return the number of open connections
     */
    public int openConnections() {
        return guard.open();
    }

    /**
     * Graceful shutdown: new work is refused (503), running requests finish (up to the grace period), then the
     * listener stops. Idempotent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            admission.drain(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
        timers.shutdownNow();
    }

    /**
     * Builds and starts a {@link BlenderServer}. Defaults: {@code 127.0.0.1}, port 8080, model
     * {@value BlenderServer#MODEL}, 8 concurrent requests, 256 connections, 1 MiB bodies, 32 candidates, header
     * timeout 10 s, body timeout 30 s, idle timeout 60 s, 30 s grace on close.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String model = MODEL;
        private Blender blender;
        private Ranker ranker;
        private PairScorer pairScorer;
        private List<String> answerable = List.of();
        private int maxConcurrent = 8;
        private int maxBodyBytes = 1 << 20;
        private int maxCandidates = 32;
        private int maxConnections = 256;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration grace = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * The address to listen on; {@code 127.0.0.1} by default, so nothing outside the machine reaches it unless
         * asked.
         *
         * @param host a host name or IP address, e.g. {@code 0.0.0.0} for every interface
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * The port; 0 picks a free one ({@link BlenderServer#port()} tells which).
         *
         * @param port the port, 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The model name clients ask for, e.g. a named ensemble of a config file.
         *
         * @param model the model name
         * @return this builder
         */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /**
         * Serves {@code /v1/chat/completions}; without one that endpoint answers 501.
         *
         * @param blender the ensemble
         * @return this builder
         */
        public Builder blender(Blender blender) {
            this.blender = blender;
            return this;
        }

        /**
         * Serves {@code /v1/rank}; without one that endpoint answers 501.
         *
         * @param ranker the ranker
         * @return this builder
         */
        public Builder ranker(Ranker ranker) {
            this.ranker = ranker;
            return this;
        }

        /**
         * Serves {@code /v1/compare}; without one that endpoint answers 501.
         *
         * @param pairScorer the pair scorer
         * @return this builder
         */
        public Builder pairScorer(PairScorer pairScorer) {
            this.pairScorer = pairScorer;
            return this;
        }

        /**
         * The only prompts the members can answer (replayed ones, as the demo's); a 502 then lists them.
         *
         * @param prompts the prompts, word for word
         * @return this builder
         */
        public Builder answerable(List<String> prompts) {
            this.answerable = List.copyOf(prompts);
            return this;
        }

        /**
         * Requests doing work at once; one more gets 429.
         *
         * @param n requests at once, at least 1
         * @return this builder
         */
        public Builder maxConcurrent(int n) {
            this.maxConcurrent = n;
            return this;
        }

        /**
         * The longest request body; a longer one gets 413.
         *
         * @param n bytes
         * @return this builder
         */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = n;
            return this;
        }

        /**
         * The most candidates one /v1/rank request may hold (work grows with their square); more get 400.
         *
         * @param n candidates
         * @return this builder
         */
        public Builder maxCandidates(int n) {
            this.maxCandidates = n;
            return this;
        }

        /**
         * Open connections served; past it a request gets 503, and past twice it a connection is closed at once.
         *
         * @param n connections
         * @return this builder
         */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /**
         * How long a connection may take to send each request's headers (and may stay idle between requests).
         *
         * @param d the header timeout
         * @return this builder
         */
        public Builder headerTimeout(Duration d) {
            this.headerTimeout = d;
            return this;
        }

        /**
         * How long a request's body may take to arrive once its headers have; past it the answer is 408.
         *
         * @param d the body timeout
         * @return this builder
         */
        public Builder bodyTimeout(Duration d) {
            this.bodyTimeout = d;
            return this;
        }

        /**
         * How long a read or write may stall in the middle of a request or a stream.
         *
         * @param d the idle timeout
         * @return this builder
         */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /**
         * How long {@link BlenderServer#close()} waits for running requests.
         *
         * @param grace how long to wait
         * @return this builder
         */
        public Builder grace(Duration grace) {
            this.grace = grace;
            return this;
        }

        /**
         * Starts listening; the server is ready when this returns.
         *
         * @return the running server; the caller closes it
         * @throws IOException if the address cannot be bound
         */
        public BlenderServer start() throws IOException {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Integer> n : Map.of(
                            "maxConcurrent", maxConcurrent,
                            "maxBodyBytes", maxBodyBytes,
                            "maxCandidates", maxCandidates,
                            "maxConnections", maxConnections)
                    .entrySet()) {
                if (n.getValue() < 1) {
                    problems.add(n.getKey() + " is " + n.getValue() + "; it must be at least 1");
                }
            }
            for (Duration d : List.of(headerTimeout, bodyTimeout, idleTimeout, grace)) {
                if (d.isNegative() || d.isZero()) {
                    problems.add("every timeout must be positive; one is " + d);
                }
            }
            if (port < 0 || port > 65_535) {
                problems.add("port " + port + " is not within 0..65535");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("cannot start the server: " + String.join("; ", problems));
            }
            BlenderServer s = new BlenderServer(this);
            try {
                s.server.start();
            } catch (IOException e) {
                s.timers.shutdownNow();
                throw e;
            } catch (Exception e) {
                s.timers.shutdownNow();
                throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
            s.admission.open();
            LOG.info("serving on http://{}:{}", host, s.port());
            return s;
        }
    }
}
