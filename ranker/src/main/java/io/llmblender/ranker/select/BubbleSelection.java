package io.llmblender.ranker.select;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.StartOrder;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Best-of-n (or worst-of-n) in one pass of pairwise duels, 2·(C−1) verdicts in C−1 rounds per input (spec §3.5,
 * llm-blender's {@code _bubble_predict}): a running champion meets each next candidate of a starting
 * permutation, both orders are scored, and the winner moves on.
 *
 * <p>Parity: {@code s = f(cur, next) − f(next, cur)} in float32; best carries {@code cur} iff {@code s > 0},
 * worst iff {@code s < 0}; a tie ({@code s == 0}) carries {@code next} in both modes. The starting permutation
 * is explicit in {@link #run}; as a {@link Selector} it comes from the seed and the item's content
 * ({@link StartOrder}). The result is a winner and the elimination order, which is <em>not</em> a ranking.
 * Immutable; thread-safe if the scorer is.
 */
public final class BubbleSelection implements Selector {
    private final PairScorer scorer;
    private final long seed;

    /**
     * Bubble selection over {@code scorer}, each input starting from a permutation drawn from {@code seed} and its
     * content (see {@link io.llmblender.ranker.StartOrder}).
     *
     * @param scorer gives the two ordered verdicts of each duel
     * @param seed the start-order seed
     */
    public BubbleSelection(PairScorer scorer, long seed) {
        this.scorer = scorer;
        this.seed = seed;
    }

    /**
     * One duel.
     *
     * @param current the candidate carried so far
     * @param next the candidate it meets
     * @param currentNext {@code f(current, next)}
     * @param nextCurrent {@code f(next, current)}
     * @param s {@code currentNext − nextCurrent}
     * @param carried the candidate that goes on
     * @param eliminated the candidate that drops out
     */
    public record Step(
            int current, int next, float currentNext, float nextCurrent, float s, int carried, int eliminated) {}

    /**
     * The outcome for one input.
     *
     * @param winner the index of the surviving candidate
     * @param eliminatedInOrder the other candidates, in the order they were eliminated
     * @param steps every duel, in order
     * @param startPermutation the order the candidates entered the bubble
     */
    public record Result(int winner, List<Integer> eliminatedInOrder, List<Step> steps, int[] startPermutation) {
        /**
         * Copies the lists and the permutation.
         *
         * @param winner the index of the surviving candidate
         * @param eliminatedInOrder the other candidates, in the order they were eliminated
         * @param steps every duel, in order
         * @param startPermutation the order the candidates entered the bubble
         */
        public Result {
            eliminatedInOrder = List.copyOf(eliminatedInOrder);
            steps = List.copyOf(steps);
            startPermutation = startPermutation.clone();
        }

        /**
         * The order the candidates entered the bubble, so a run can be replayed.
         *
         * @return a copy of the starting permutation
         */
        @Override
        public int[] startPermutation() {
            return startPermutation.clone();
        }

        /**
         * {@code [winner] + eliminated in order}: what the reference's {@code return_all=True} gives.
         *
         * @return the winner, then the eliminated candidates in order
         */
        public List<Integer> returnAllOrder() {
            List<Integer> all = new ArrayList<>();
            all.add(winner);
            all.addAll(eliminatedInOrder);
            return all;
        }

        /**
         * Every verdict of the run, two per step.
         *
         * @return the verdicts {@code f(current, next)} and {@code f(next, current)} of every step, in order
         */
        public List<Verdict> verdicts() {
            List<Verdict> v = new ArrayList<>();
            for (Step s : steps) {
                v.add(new Verdict(s.current(), s.next(), s.currentNext()));
                v.add(new Verdict(s.next(), s.current(), s.nextCurrent()));
            }
            return v;
        }
    }

    @Override
    public Selection select(Item item, int k) {
        return select(List.of(item), k).get(0);
    }

    @Override
    public List<Selection> select(List<Item> items, int k) {
        if (k != 1) {
            throw new IllegalArgumentException("bubble selection finds the best candidate only (k = 1), not " + k
                    + "; use top-k or full for K > 1");
        }
        List<Selection> out = new ArrayList<>();
        for (Result r : run(starts(items), scorer.bind(items), true)) {
            out.add(new Selection(Strategy.BUBBLE, List.of(r.winner()), null, r.verdicts()));
        }
        return out;
    }

    @Override
    public int maxK() {
        return 1;
    }

    @Override
    public int worst(Item item) {
        return run(starts(List.of(item)), scorer.bind(List.of(item)), false)
                .get(0)
                .winner();
    }

    private int[][] starts(List<Item> items) {
        int[][] starts = new int[items.size()][];
        for (int n = 0; n < starts.length; n++) {
            Candidates.check(items.get(n));
            starts[n] = StartOrder.of(seed, items.get(n));
        }
        return starts;
    }

    /**
     * Runs every input's duels, step by step, asking the scorer for all inputs' two verdicts of a step at once.
     *
     * @param permutations one starting permutation per input (each a permutation of its candidates)
     * @param scorer the scorer bound to the inputs, asked once per step for every input's two verdicts
     * @param best true for best-of-n, false for worst-of-n
     * @return one result per input, in order
     */
    public static List<Result> run(int[][] permutations, PairScorer.Bound scorer, boolean best) {
        List<Plan> plans = new ArrayList<>();
        for (int[] p : permutations) {
            plans.add(new Plan(DuelPlan.checkedPermutation(p), best));
        }
        DuelPlan.runAll(plans, scorer);
        List<Result> results = new ArrayList<>();
        for (int n = 0; n < plans.size(); n++) {
            Plan p = plans.get(n);
            List<Integer> eliminated = p.steps.stream().map(Step::eliminated).toList();
            results.add(new Result(p.perm[p.perm.length - 1], eliminated, p.steps, permutations[n]));
        }
        return results;
    }

    /** The champion meets position {@code j + 1}; the loser stays behind at {@code j}. */
    private static final class Plan extends DuelPlan {
        final int[] perm;
        final boolean best;
        final List<Step> steps = new ArrayList<>();
        int j;

        Plan(int[] perm, boolean best) {
            this.perm = perm;
            this.best = best;
        }

        @Override
        List<int[]> next() {
            return j < perm.length - 1 ? List.of(new int[] {perm[j], perm[j + 1]}) : List.of();
        }

        @Override
        void record(List<Duel> results) {
            Duel d = results.get(0);
            int carried = d.survivor(best);
            int eliminated = d.eliminated(best);
            perm[j] = eliminated;
            perm[j + 1] = carried;
            steps.add(new Step(d.a(), d.b(), d.ab(), d.ba(), d.s(), carried, eliminated));
            j++;
        }
    }
}
