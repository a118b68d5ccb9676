package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.ranker.PairScorer;
import java.io.IOException;

/** {@code POST /v1/compare}: the pair scorer's verdict on candidate A against B. */
final class CompareEndpoint implements Endpoint {
    private final PairScorer scorer;

    CompareEndpoint(PairScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void handle(Exchange ex, JsonNode body) throws IOException {
        if (scorer == null) {
            throw ApiError.notSupported("this server has no pair scorer for /v1/compare; a pairwise model such as"
                    + " PairRM provides one (the consensus ranker cannot compare two answers)");
        }
        CompareWire.Request req = CompareWire.Request.parse(body);
        Endpoint.send(ex, 200, CompareWire.Response.of(scorer.compare(req.item(), req.mode())));
    }
}
