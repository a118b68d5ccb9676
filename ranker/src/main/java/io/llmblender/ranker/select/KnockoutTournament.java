package io.llmblender.ranker.select;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.StartOrder;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Best-of-n (or worst-of-n) by a knockout tournament: every duel of a round, both orders, goes into one batched
 * scorer call, so C candidates cost 2·(C−1) pair rows, as bubble selection does, but in ⌈log₂C⌉ rounds instead
 * of C−1. Duels are decided as in bubble selection ({@link Duel#survivor}). The bracket follows the start order
 * derived from the seed and the item's content ({@link StartOrder}). Immutable; thread-safe if the scorer is.
 */
public final class KnockoutTournament implements Selector {
    private final PairScorer scorer;
    private final long seed;

    /**
     * A knockout over {@code scorer}, each input's bracket order drawn from {@code seed} and its content.
     *
     * @param scorer gives the two ordered verdicts of each duel
     * @param seed the bracket-order seed
     */
    public KnockoutTournament(PairScorer scorer, long seed) {
        this.scorer = scorer;
        this.seed = seed;
    }

    /**
     * The outcome for one input: the winner and every duel, in the order fought.
     *
     * @param winner the index of the last candidate standing
     * @param duels every duel, in the order fought
     */
    public record Result(int winner, List<Duel> duels) {
        /**
         * Copies the duels.
         *
         * @param winner the index of the last candidate standing
         * @param duels every duel, in the order fought
         */
        public Result {
            duels = List.copyOf(duels);
        }

        /**
         * The verdicts of every duel, two per duel, in the order fought.
         *
         * @return the verdicts
         */
        public List<Verdict> verdicts() {
            return duels.stream().flatMap(d -> d.verdicts().stream()).toList();
        }
    }

    @Override
    public Selection select(Item item, int k) {
        return select(List.of(item), k).get(0);
    }

    @Override
    public List<Selection> select(List<Item> items, int k) {
        if (k != 1) {
            throw new IllegalArgumentException(
                    "a knockout finds the best candidate only (k = 1), not " + k + "; use top-k or full for K > 1");
        }
        List<Selection> out = new ArrayList<>();
        for (Result r : run(starts(items), scorer.bind(items), true)) {
            out.add(new Selection(Strategy.KNOCKOUT, List.of(r.winner()), null, r.verdicts()));
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
     * Runs every input's bracket, round by round, all inputs' duels of a round in one scorer call.
     *
     * @param orders one bracket order per input (a permutation of its candidates)
     * @param scorer the scorer bound to the inputs, asked once per round
     * @param best true for the best, false for the worst
     * @return one result per input, in order
     */
    public static List<Result> run(int[][] orders, PairScorer.Bound scorer, boolean best) {
        List<KnockoutPlan> plans = new ArrayList<>();
        List<Map<Long, Duel>> fought = new ArrayList<>();
        for (int[] order : orders) {
            Map<Long, Duel> f = new LinkedHashMap<>();
            fought.add(f);
            List<Integer> bracket = new ArrayList<>();
            for (int c : DuelPlan.checkedPermutation(order)) {
                bracket.add(c);
            }
            plans.add(new KnockoutPlan(bracket, best, f));
        }
        DuelPlan.runAll(plans, scorer);
        List<Result> out = new ArrayList<>();
        for (int n = 0; n < plans.size(); n++) {
            out.add(new Result(
                    plans.get(n).winner(), new ArrayList<>(fought.get(n).values())));
        }
        return out;
    }
}
