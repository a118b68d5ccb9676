package io.llmblender.orchestrator;

import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.util.List;

/**
 * The ranker–fuser seam, Python's {@code rank_and_fuse} (spec §4.5): rank the candidates, keep the stable
 * top-K (default 3), fuse them best first. The result keeps the ranking beside the fused text.
 *
 * <pre>{@code
 * RankAndFuse blend = new RankAndFuse(pairRanker, genFuser, 3);
 * RankAndFuse.Result r = blend.rankAndFuse(null, "What is 2+2?", List.of("4", "5", "four"));
 * r.fusion().text();   r.ranking().ranks();
 * }</pre>
 *
 * Thread-safe if the ranker and the fuser are.
 */
public final class RankAndFuse {
    /** Reference default of {@code rank_and_fuse(top_k=3)}. */
    public static final int DEFAULT_TOP_K = 3;

    /**
     * The ranking, the candidates that were fused (best first) and the fusion.
     *
     * @param ranking the ranking of every candidate
     * @param fused the candidates that were fused, best first
     * @param fusion the fused answer
     */
    public record Result(Ranking ranking, List<String> fused, FusionResult fusion) {
        /**
         * Copies the fused list.
         *
         * @param ranking the ranking of every candidate
         * @param fused the candidates that were fused, best first
         * @param fusion the fused answer
         */
        public Result {
            fused = List.copyOf(fused);
        }
    }

    private final Ranker ranker;
    private final Fuser fuser;
    private final int topK;

    /**
     * Python's {@code Blender.rank_and_fuse(inputs, candidates, top_k=topK)} over a ranker and a fuser.
     *
     * @param ranker ranks the candidates, e.g. a {@code PairRanker}
     * @param fuser fuses the best, e.g. a {@code GenFuser}
     * @param topK how many of the best are fused, at least 1
     * @throws IllegalArgumentException if {@code topK} is below 1
     */
    public RankAndFuse(Ranker ranker, Fuser fuser, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, was " + topK);
        }
        this.ranker = ranker;
        this.fuser = fuser;
        this.topK = topK;
    }

    /**
     * Rank-and-fuse with the reference's top-K of {@value #DEFAULT_TOP_K}.
     *
     * @param ranker ranks the candidates, e.g. a {@code PairRanker}
     * @param fuser fuses the best, e.g. a {@code GenFuser}
     */
    public RankAndFuse(Ranker ranker, Fuser fuser) {
        this(ranker, fuser, DEFAULT_TOP_K);
    }

    /**
     * Ranks {@code candidates} for the input (the ranker sees instruction + input, joined with no separator as
     * the reference does), then fuses the best {@code topK} with the instruction and input kept apart.
     *
     * @param instruction the instruction, or null
     * @param input the user's input
     * @param candidates the answers to rank and fuse
     * @return the ranking, the fused candidates and the fusion
     */
    public Result rankAndFuse(String instruction, String input, List<String> candidates) {
        Ranking ranking = ranker.rank((instruction == null ? "" : instruction) + input, candidates);
        List<String> best = ranking.best(topK);
        return new Result(ranking, best, fuser.fuse(new FusionRequest(instruction, input, best)));
    }
}
