package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.ranker.Ranker;
import java.io.IOException;

/** {@code POST /v1/rank}: the ranker's scores and ranks, e.g. as the reward of an RLHF loop in any language. */
final class RankEndpoint implements Endpoint {
    private final Ranker ranker;
    private final int maxCandidates;

    RankEndpoint(Ranker ranker, int maxCandidates) {
        this.ranker = ranker;
        this.maxCandidates = maxCandidates;
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        if (ranker == null) {
            throw ApiError.notSupported("this server has no ranker for /v1/rank; start it with one");
        }
        Endpoint.send(ex, 200, RankWire.Response.of(ranker.rank(RankWire.request(body, maxCandidates))));
    }
}
