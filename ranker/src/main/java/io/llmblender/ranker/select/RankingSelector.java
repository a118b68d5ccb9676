package io.llmblender.ranker.select;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The full strategy over any {@link Ranker}: rank every candidate, keep the best K and the ranking itself. With
 * PairRM that is the C·(C−1) matrix and max_logits (spec §3.1–3.2). Immutable; thread-safe if the ranker is.
 */
public final class RankingSelector implements Selector {
    private final Ranker ranker;

    /**
     * The full strategy over {@code ranker}.
     *
     * @param ranker ranks every candidate
     */
    public RankingSelector(Ranker ranker) {
        this.ranker = ranker;
    }

    @Override
    public Selection select(Item item, int k) {
        return of(ranker.rank(item), k);
    }

    @Override
    public List<Selection> select(List<Item> items, int k) {
        List<Selection> out = new ArrayList<>();
        for (Ranking r : ranker.rank(items)) {
            out.add(of(r, k));
        }
        return out;
    }

    @Override
    public int worst(Item item) {
        return Aggregation.orderWorstFirst(ranker.rank(item).ranks())[0];
    }

    private static Selection of(Ranking ranking, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, not " + k);
        }
        int[] order = ranking.order();
        List<Integer> best = new ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            best.add(order[i]);
        }
        // The ranking keeps the matrix (for PairRM, every verdict); a copy in the selection would say nothing more.
        return new Selection(Strategy.FULL, best, ranking, List.of());
    }
}
