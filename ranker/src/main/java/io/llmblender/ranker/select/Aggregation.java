package io.llmblender.ranker.select;

import java.util.Arrays;

/**
 * From a comparison matrix {@code M[a][b] = f(a, b)} (zero diagonal) to scores and ranks (spec §3.2;
 * llm-blender's {@code get_scores_from_cmps}, {@code get_ranks_from_cmps}, {@code get_ranks_from_scores}).
 * Stateless.
 */
public final class Aggregation {
    private Aggregation() {}

    /** How a matrix becomes one score per candidate. */
    public enum Policy {
        /** {@code (1/C)·Σ_b (M[a,b] − M[b,a])}, over all C columns, diagonal included (the reference's default). */
        MAX_LOGITS,
        /**
         * The reference helper's formula, kept for parity: {@code #{b : M[a,b] > 0} + mean_b [M[b,a] < 0]}, a row
         * count plus a column <em>fraction</em> (spec §3.2 QUIRK). Blender never uses it.
         */
        MAX_WINS,
        /** What MAX_WINS means to do: wins as candidate 1 plus wins as candidate 2, both counted. */
        MAX_WINS_CORRECTED
    }

    /**
     * Scores of one C×C matrix, in float32 as the reference computes them.
     *
     * @param m the C×C comparison matrix, {@code m[i][j] = f(i, j)}; the diagonal is ignored
     * @param policy how a row and a column become one score (see {@link Policy})
     * @return one score per candidate; higher is better
     */
    public static float[] scores(float[][] m, Policy policy) {
        int c = m.length;
        float[] scores = new float[c];
        for (int a = 0; a < c; a++) {
            switch (policy) {
                case MAX_LOGITS -> {
                    // A plain float32 sum over b in index order, then /C: bit-identical to the reference's mean
                    // for these sizes, and identical rows give identical sums (exact ties survive).
                    float sum = 0f;
                    for (int b = 0; b < c; b++) {
                        sum += m[a][b] - m[b][a];
                    }
                    scores[a] = sum / c;
                }
                case MAX_WINS -> {
                    int rowWins = 0;
                    int columnLosses = 0;
                    for (int b = 0; b < c; b++) {
                        rowWins += m[a][b] > 0 ? 1 : 0;
                        columnLosses += m[b][a] < 0 ? 1 : 0;
                    }
                    scores[a] = rowWins + (float) columnLosses / c;
                }
                case MAX_WINS_CORRECTED -> {
                    int wins = 0;
                    for (int b = 0; b < c; b++) {
                        wins += (m[a][b] > 0 ? 1 : 0) + (m[b][a] < 0 ? 1 : 0);
                    }
                    scores[a] = wins;
                }
            }
        }
        return scores;
    }

    /**
     * Competition ranks, 1-based: a higher score gets a smaller rank, equal scores (exact equality) share the
     * best rank and the next rank is skipped ({@code [5, 5, 3] → [1, 1, 3]}).
     *
     * @param scores one score per candidate
     * @return one rank per candidate, 1 = best
     */
    public static int[] ranks(float[] scores) {
        if (Float.isNaN(max(scores)) || hasNaN(scores)) {
            throw new IllegalArgumentException(
                    "a score is NaN; ranks are undefined (scores " + Arrays.toString(scores) + ")");
        }
        int[] ranks = new int[scores.length];
        for (int a = 0; a < scores.length; a++) {
            int better = 0;
            for (float other : scores) {
                if (other > scores[a]) {
                    better++;
                }
            }
            ranks[a] = better + 1;
        }
        return ranks;
    }

    /**
     * The reference's {@code get_ranks_from_cmps}: sums instead of means (max_logits: {@code Σ_b (M[a,b] −
     * M[b,a])}; max_wins: {@code #{M[a,b] > 0} + #{M[b,a] < 0}}), then competition ranks.
     *
     * @param m the C×C comparison matrix
     * @param policy max_logits or max_wins
     * @return one competition rank per candidate, 1 = best
     */
    public static int[] ranksFromMatrixSums(float[][] m, Policy policy) {
        int c = m.length;
        float[] sums = new float[c];
        for (int a = 0; a < c; a++) {
            float sum = 0f;
            for (int b = 0; b < c; b++) {
                sum += policy == Policy.MAX_LOGITS ? m[a][b] - m[b][a] : (m[a][b] > 0 ? 1 : 0) + (m[b][a] < 0 ? 1 : 0);
            }
            sums[a] = sum;
        }
        return ranks(sums);
    }

    /**
     * Candidate indices by (rank, index): a stable best-first order, as the reference's argsort gives.
     *
     * @param ranks one rank per candidate, 1 = best
     * @return the candidate indices, best first
     */
    public static int[] orderBestFirst(int[] ranks) {
        return java.util.stream.IntStream.range(0, ranks.length)
                .boxed()
                .sorted((x, y) -> ranks[x] != ranks[y] ? Integer.compare(ranks[x], ranks[y]) : Integer.compare(x, y))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Candidate indices by (−rank, index): the worst first, ties in index order.
     *
     * @param ranks one rank per candidate, 1 = best
     * @return the candidate indices, worst first
     */
    public static int[] orderWorstFirst(int[] ranks) {
        return java.util.stream.IntStream.range(0, ranks.length)
                .boxed()
                .sorted((x, y) -> ranks[x] != ranks[y] ? Integer.compare(ranks[y], ranks[x]) : Integer.compare(x, y))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static boolean hasNaN(float[] v) {
        for (float f : v) {
            if (Float.isNaN(f)) {
                return true;
            }
        }
        return false;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }
}
