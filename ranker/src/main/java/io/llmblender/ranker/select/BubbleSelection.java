package io.llmblender.ranker.select;

import io.llmblender.ranker.PairScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Best-of-n (or worst-of-n) in one pass of pairwise duels, 2·(C−1) verdicts per input (spec §3.5, llm-blender's
 * {@code _bubble_predict}): a running champion meets each next candidate of a starting permutation, both
 * orders are scored, and the winner moves on.
 *
 * <p>Parity: {@code s = f(cur, next) − f(next, cur)} in float32; best carries {@code cur} iff {@code s > 0},
 * worst iff {@code s < 0}; a tie ({@code s == 0}) carries {@code next} in both modes. The starting permutation
 * is an explicit input (the reference draws an unseeded one per batch); the result is a winner and the
 * elimination order, which is <em>not</em> a ranking. Stateless.
 */
public final class BubbleSelection {
    private BubbleSelection() {}

    /** One duel. */
    public record Step(
            int current, int next, float currentNext, float nextCurrent, float s, int carried, int eliminated) {}

    /** The outcome for one input. */
    public record Result(int winner, List<Integer> eliminatedInOrder, List<Step> steps, int[] startPermutation) {
        public Result {
            eliminatedInOrder = List.copyOf(eliminatedInOrder);
            steps = List.copyOf(steps);
            startPermutation = startPermutation.clone();
        }

        @Override
        public int[] startPermutation() {
            return startPermutation.clone();
        }

        /** {@code [winner] + eliminated in order}: what the reference's {@code return_all=True} gives. */
        public List<Integer> returnAllOrder() {
            List<Integer> all = new ArrayList<>();
            all.add(winner);
            all.addAll(eliminatedInOrder);
            return all;
        }
    }

    /**
     * Runs every input's duels, step by step, asking the scorer for all inputs' two verdicts of a step at once.
     *
     * @param permutations one starting permutation per input (each a permutation of its candidates)
     * @param best true for best-of-n, false for worst-of-n
     */
    public static List<Result> select(int[][] permutations, PairScorer scorer, boolean best) {
        int n = permutations.length;
        int[][] perm = new int[n][];
        List<List<Step>> steps = new ArrayList<>();
        int maxSteps = 0;
        for (int i = 0; i < n; i++) {
            perm[i] = checkedPermutation(permutations[i]);
            steps.add(new ArrayList<>());
            maxSteps = Math.max(maxSteps, perm[i].length - 1);
        }
        for (int j = 0; j < maxSteps; j++) {
            List<PairScorer.Pair> pairs = new ArrayList<>();
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (j < perm[i].length - 1) {
                    active.add(i);
                    pairs.add(new PairScorer.Pair(i, perm[i][j], perm[i][j + 1]));
                    pairs.add(new PairScorer.Pair(i, perm[i][j + 1], perm[i][j]));
                }
            }
            float[] logits = scorer.logits(pairs);
            for (int k = 0; k < active.size(); k++) {
                int i = active.get(k);
                int cur = perm[i][j];
                int next = perm[i][j + 1];
                float s = logits[2 * k] - logits[2 * k + 1];
                boolean keepCurrent = best ? s > 0 : s < 0;
                int carried = keepCurrent ? cur : next;
                int eliminated = keepCurrent ? next : cur;
                perm[i][j] = eliminated;
                perm[i][j + 1] = carried;
                steps.get(i).add(new Step(cur, next, logits[2 * k], logits[2 * k + 1], s, carried, eliminated));
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = perm[i].length;
            List<Integer> eliminated = new ArrayList<>();
            for (Step st : steps.get(i)) {
                eliminated.add(st.eliminated());
            }
            results.add(new Result(perm[i][c - 1], eliminated, steps.get(i), permutations[i]));
        }
        return results;
    }

    private static int[] checkedPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) {
                throw new IllegalArgumentException("start permutation " + java.util.Arrays.toString(p)
                        + " is not a permutation of 0.." + (p.length - 1));
            }
            seen[v] = true;
        }
        return p.clone();
    }
}
