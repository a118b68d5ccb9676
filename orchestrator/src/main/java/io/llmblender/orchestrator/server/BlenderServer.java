package io.llmblender.orchestrator.server;

import io.llmblender.orchestrator.Blender;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ensemble as an OpenAI-compatible HTTP service:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} answers with the ensemble (model {@code blender}), streaming as
 *       server-sent events in OpenAI's chunk format when {@code stream} is true; {@code GET /v1/models{/id}};</li>
 *   <li>{@code POST /v1/rank} (a {@link Ranker}) and {@code POST /v1/compare} (a {@link PairScorer}): scores,
 *       e.g. as the reward of an RLHF loop in any language; {@code GET /health} and {@code GET /ready}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (BlenderServer server = BlenderServer.builder()
 *         .blender(blender)
 *         .ranker(pairRm).pairScorer(pairRm)      // optional: /v1/rank, /v1/compare
 *         .port(8080)
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * Every refusal is a 4xx or 5xx with OpenAI's JSON error body, no stack trace and no class name (the README's
 * server section lists them). At most {@code maxConcurrent} requests do work at once, counted once their body has
 * arrived; more get 429 at once rather than queueing. Connections past {@code maxConnections} get 503; each
 * request has {@code headerTimeout} for its headers and {@code bodyTimeout} for its body. A client that goes away
 * cancels its request's work. It runs on Jetty ({@code JettyServer}), whose connections cost no thread while they
 * wait. {@link #close()} stops admitting, lets running requests finish (up to a grace period), then stops.
 * Thread-safe.
 */
public final class BlenderServer implements AutoCloseable {
    /** The model name the ensemble is offered under unless the builder names another. */
    public static final String MODEL = "blender";

    private final JettyServer jetty;
    private final Admission admission;
    private final Duration grace;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BlenderServer(ServerSettings settings) {
        this.admission = new Admission(settings.maxConcurrent());
        this.grace = settings.grace();
        this.jetty = new JettyServer(Router.of(settings, admission), settings);
    }

    /** @return a new builder, with the defaults {@link Builder} lists */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The port it listens on (the one picked, for port 0).
     *
     * @return the port
     */
    public int port() {
        return jetty.port();
    }

    /**
     * Connections open now; what the connection limit counts.
     *
     * @return the number of open connections
     */
    public int openConnections() {
        return jetty.openConnections();
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
        jetty.stop();
    }

    /**
     * Builds and starts a {@link BlenderServer}. Defaults: {@code 127.0.0.1}, port 8080, model
     * {@value BlenderServer#MODEL}, 8 concurrent requests, 256 connections, 1 MiB bodies, 32 candidates, header
     * timeout 10 s, body timeout 30 s, idle timeout 60 s, 30 s grace on close.
     */
    public static final class Builder {
        // package-private, for ServerSettings.of; defaults as the class comment says
        String host = "127.0.0.1";
        int port = 8080;
        String model = MODEL;
        Blender blender;
        Ranker ranker;
        PairScorer pairScorer;
        List<String> answerable = List.of();
        int maxConcurrent = 8;
        int maxBodyBytes = 1 << 20;
        int maxCandidates = 32;
        int maxConnections = 256;
        Duration headerTimeout = Duration.ofSeconds(10);
        Duration bodyTimeout = Duration.ofSeconds(30);
        Duration idleTimeout = Duration.ofSeconds(60);
        Duration grace = Duration.ofSeconds(30);

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
            BlenderServer s = new BlenderServer(ServerSettings.of(this).checked());
            s.jetty.start();
            s.admission.open();
            return s;
        }
    }
}
