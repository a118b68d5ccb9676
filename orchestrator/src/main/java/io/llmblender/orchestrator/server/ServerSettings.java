package io.llmblender.orchestrator.server;

import io.llmblender.orchestrator.Blender;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link BlenderServer.Builder} was told, as one immutable value the server's parts read: what it
 * serves (the ensemble, the ranker, the pair scorer, each optional) and the limits it enforces.
 */
record ServerSettings(
        String host,
        int port,
        String model,
        Blender blender,
        Ranker ranker,
        PairScorer pairScorer,
        List<String> answerable,
        int maxConcurrent,
        int maxBodyBytes,
        int maxCandidates,
        int maxConnections,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        Duration grace) {
    ServerSettings {
        answerable = List.copyOf(answerable);
    }

    /** What {@code b} was told. */
    static ServerSettings of(BlenderServer.Builder b) {
        return new ServerSettings(
                b.host,
                b.port,
                b.model,
                b.blender,
                b.ranker,
                b.pairScorer,
                b.answerable,
                b.maxConcurrent,
                b.maxBodyBytes,
                b.maxCandidates,
                b.maxConnections,
                b.headerTimeout,
                b.bodyTimeout,
                b.idleTimeout,
                b.grace);
    }

    /**
     * @return these settings
     * @throws IllegalStateException listing every limit out of range
     */
    ServerSettings checked() {
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
        return this;
    }
}
