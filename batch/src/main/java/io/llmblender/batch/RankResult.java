package io.llmblender.batch;

/**
 * The result for one {@link RankRecord}, {@code {"id", "ranks", "scores", "best", "worst"}}. Ranks are the
 * reference's (1 = best); {@code best} and {@code worst} are 0-based candidate indices. Arrays are copied.
 *
 * @param id the record's id
 * @param ranks null for selection strategies (bubble, knockout), which find the best and worst only
 * @param scores null for selection strategies, as ranks
 * @param best the best candidate's index
 * @param worst the worst candidate's index
 * @param matrix {@code f(i, j)} of every ordered pair when asked for and the strategy computed it, else null
 * @param margin PairRM's both-orders logit {@code f(best, worst) − f(worst, best)}, when asked for (else NaN);
 *     0 for a single candidate
 */
public record RankResult(String id, int[] ranks, float[] scores, int best, int worst, float[][] matrix, float margin) {
    /**
     * Copies the arrays.
     *
     * @param id the record's id
     * @param ranks one 1-based rank per candidate, or null
     * @param scores one score per candidate, or null
     * @param best the best candidate's index
     * @param worst the worst candidate's index
     * @param matrix the comparison matrix, or null
     * @param margin the best-versus-worst logit, or NaN
     */
    public RankResult {
        ranks = ranks == null ? null : ranks.clone();
        scores = scores == null ? null : scores.clone();
        matrix = copy(matrix);
    }

    /**
     * One 1-based rank per candidate, or null for selection strategies.
     *
     * @return a copy, or null
     */
    @Override
    public int[] ranks() {
        return ranks == null ? null : ranks.clone();
    }

    /**
     * One score per candidate, or null for selection strategies.
     *
     * @return a copy, or null
     */
    @Override
    public float[] scores() {
        return scores == null ? null : scores.clone();
    }

    /**
     * {@code f(i, j)} of every ordered pair, or null when not asked for or not computed.
     *
     * @return a copy, or null
     */
    @Override
    public float[][] matrix() {
        return copy(matrix);
    }

    private static float[][] copy(float[][] m) {
        if (m == null) {
            return null;
        }
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
