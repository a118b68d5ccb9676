package io.llmblender.ranker;

import java.util.List;

/**
 * PairRM's verdicts on ordered pairs of candidates: what {@code PairRm} provides and the selection algorithms
 * ({@code FullPairwise}, {@code BubbleSelection}) consume. One call carries every pair a step needs, so the
 * implementation can batch them.
 */
@FunctionalInterface
public interface PairScorer {
    /** {@code f(first, second)} of candidate indices of one input; {@code > 0} means {@code first} is better. */
    record Pair(int input, int first, int second) {}

    /** The logit of each pair, in order. */
    float[] logits(List<Pair> pairs);
}
