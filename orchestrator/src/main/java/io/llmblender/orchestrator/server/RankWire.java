package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranking;
import java.util.ArrayList;
import java.util.List;

/** The wire format of {@code POST /v1/rank}: an input and its candidates in, a score and a rank per candidate out. */
final class RankWire {
    private RankWire() {}

    /**
     * {@code {"instruction"?, "input", "candidates": [..]}} as the ranker's {@link Item}.
     *
     * @param maxCandidates the most candidates one request may hold: a pairwise ranker's work grows with their
     *     square, so the cap bounds what one request costs
     */
    static Item request(JsonNode req, int maxCandidates) {
        String input = Fields.text(req, "input");
        JsonNode cands = req.path("candidates");
        if (!cands.isArray() || cands.isEmpty()) {
            throw ApiError.badRequest("'candidates' must be a non-empty array of strings");
        }
        if (cands.size() > maxCandidates) {
            throw ApiError.badRequest("'candidates' holds " + cands.size() + " answers; this server ranks at most "
                    + maxCandidates + " per request: split them, or start the server with a higher limit");
        }
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < cands.size(); i++) {
            candidates.add(Fields.candidate(cands.get(i), "candidates[" + i + "]"));
        }
        return new Item(Fields.optionalText(req, "instruction"), input, candidates);
    }

    /** Scores (higher is better) and competition ranks (1 = best), in candidate order. */
    record Response(List<Float> scores, List<Integer> ranks) {
        static Response of(Ranking ranking) {
            List<Float> scores = new ArrayList<>();
            for (float s : ranking.scores()) {
                scores.add(s);
            }
            List<Integer> ranks = new ArrayList<>();
            for (int r : ranking.ranks()) {
                ranks.add(r);
            }
            return new Response(scores, ranks);
        }
    }
}
