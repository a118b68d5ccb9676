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
 * The best K of C candidates by tournament selection (Knuth, TAOCP vol. 3, §5.3.3): a knockout finds the best;
 * each next place goes to the winner of a knockout among the candidates whose every lost duel was against an
 * already placed candidate, reusing every duel already fought. Under a consistent preference the next best is
 * always among those, and they are about ⌈log₂C⌉, so K places cost about C−1 + (K−1)·⌈log₂C⌉ duels (two pair rows
 * each) instead of the full matrix's C·(C−1) rows. Where PairRM's verdicts are not transitive and no candidate
 * qualifies, every unplaced candidate competes. Immutable; thread-safe if the scorer is.
 */
public final class TournamentTopK implements Selector {
    private final PairScorer scorer;
    private final long seed;

    /**
     * Tournament top-K over {@code scorer}, each input's first bracket drawn from {@code seed} and its content.
     *
     * @param scorer gives the two ordered verdicts of each duel
     * @param seed the bracket-order seed
     */
    public TournamentTopK(PairScorer scorer, long seed) {
        this.scorer = scorer;
        this.seed = seed;
    }

    @Override
    public Selection select(Item item, int k) {
        return select(List.of(item), k).get(0);
    }

    @Override
    public List<Selection> select(List<Item> items, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k ≥ 1, not " + k);
        }
        List<Plan> plans = new ArrayList<>();
        for (Item item : items) {
            Candidates.check(item);
            plans.add(new Plan(StartOrder.of(seed, item), k));
        }
        DuelPlan.runAll(plans, scorer.bind(items));
        List<Selection> out = new ArrayList<>();
        for (Plan p : plans) {
            List<Verdict> verdicts = p.fought.values().stream()
                    .flatMap(d -> d.verdicts().stream())
                    .toList();
            out.add(new Selection(Strategy.TOP_K, p.placed, null, verdicts));
        }
        return out;
    }

    /** Knockouts one after another, one per place. */
    private static final class Plan extends DuelPlan {
        final int[] order;
        final int places;
        final List<Integer> placed = new ArrayList<>();
        final Map<Long, Duel> fought = new LinkedHashMap<>();
        KnockoutPlan knockout;

        Plan(int[] order, int k) {
            this.order = order;
            this.places = Math.min(k, order.length);
        }

        @Override
        List<int[]> next() {
            while (placed.size() < places) {
                if (knockout == null) {
                    knockout = new KnockoutPlan(contenders(), true, fought);
                }
                List<int[]> round = knockout.next();
                if (!round.isEmpty()) {
                    return round;
                }
                placed.add(knockout.winner());
                knockout = null;
            }
            return List.of();
        }

        @Override
        void record(List<Duel> results) {
            knockout.record(results);
        }

        /** Unplaced candidates, in start order, that lost only to placed ones; all unplaced if none did. */
        private List<Integer> contenders() {
            List<Integer> unplaced = new ArrayList<>();
            List<Integer> clean = new ArrayList<>();
            for (int c : order) {
                if (placed.contains(c)) {
                    continue;
                }
                unplaced.add(c);
                boolean lostToUnplaced = false;
                for (Duel d : fought.values()) {
                    int loser = d.eliminated(true);
                    if (loser == c && !placed.contains(d.survivor(true))) {
                        lostToUnplaced = true;
                        break;
                    }
                }
                if (!lostToUnplaced) {
                    clean.add(c);
                }
            }
            return clean.isEmpty() ? unplaced : clean;
        }
    }
}
