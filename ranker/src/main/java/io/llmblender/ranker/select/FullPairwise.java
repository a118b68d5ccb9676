package io.llmblender.ranker.select;

import io.llmblender.ranker.PairScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * The full comparison matrix of every input (spec §3.1): {@code f(i, j)} for every ordered pair of different
 * candidates, C·(C−1) verdicts per input, all asked of the scorer in one call so it can batch them freely.
 * Stateless.
 */
public final class FullPairwise {
    private FullPairwise() {}

    /**
     * {@code M[input][i][j] = f(i, j)}, zero diagonal; {@code sizes[input]} = C of that input.
     *
     * @param sizes the candidate count C of each input
     * @param scorer the scorer bound to the inputs, asked once for every ordered pair
     * @return one C×C matrix per input
     */
    public static float[][][] matrices(int[] sizes, PairScorer.Bound scorer) {
        List<PairScorer.Pair> pairs = new ArrayList<>();
        for (int n = 0; n < sizes.length; n++) {
            for (int i = 0; i < sizes[n]; i++) {
                for (int j = 0; j < sizes[n]; j++) {
                    if (i != j) {
                        pairs.add(new PairScorer.Pair(n, i, j));
                    }
                }
            }
        }
        float[] logits = pairs.isEmpty() ? new float[0] : scorer.logits(pairs);
        float[][][] m = new float[sizes.length][][];
        for (int n = 0; n < sizes.length; n++) {
            m[n] = new float[sizes[n]][sizes[n]];
        }
        for (int k = 0; k < pairs.size(); k++) {
            PairScorer.Pair p = pairs.get(k);
            m[p.item()][p.first()][p.second()] = logits[k];
        }
        return m;
    }
}
