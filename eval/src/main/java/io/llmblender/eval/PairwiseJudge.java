package io.llmblender.eval;

import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.PairScorer;
import java.util.List;

/**
 * Gives verdicts on pairs as the labels code them: 0 = the response shown first is better, 1 = the second, 2 = tie.
 */
@FunctionalInterface
public interface PairwiseJudge {
    /**
     * One verdict per item; with {@code swapped}, each pair is shown as (b, a).
     *
     * @param items the pairs
     * @param swapped show each pair as (b, a)
     * @return one verdict per item: 0 = the first shown, 1 = the second, 2 = tie
     */
    int[] judge(List<PairwiseItem> items, boolean swapped);

    /**
     * PairRM as a judge: one pass per order, {@code f(first, second) > 0} means the first is better (PairRM never
     * says tie). Verdicts come in batches so the model packs its forward passes.
     *
     * @param ranker the pair scorer
     * @return the judge
     */
    static PairwiseJudge pairRm(PairScorer ranker) {
        return pairRm(ranker, "", null);
    }

    /**
     * As above, reusing the logits an earlier run stored in {@code cache} under {@code model} (see {@link PairLogits}).
     *
     * @param ranker the pair scorer
     * @param model identifies the ranker's weights in the cache keys
     * @param cache where logits persist between runs
     * @return the judge
     */
    static PairwiseJudge pairRm(PairScorer ranker, String model, ResultCache cache) {
        return (items, swapped) -> {
            return verdicts(PairLogits.compare(ranker, model, items, CompareMode.A_B, swapped, cache));
        };
    }

    /**
     * PairRM's verdict on each logit: {@code > 0} prefers the first response shown; it never says tie.
     *
     * @param logits {@code f(first, second)} per pair
     * @return 0 where the logit is positive, else 1
     */
    static int[] verdicts(float[] logits) {
        int[] out = new int[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] > 0 ? PairwiseItem.FIRST : PairwiseItem.SECOND;
        }
        return out;
    }
}
