package io.llmblender.ranker;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the best, or the best K, of an item's candidates by a named {@link Strategy}: what the ensemble, best-of-n
 * sampling and dataset jobs ask for when they need a winner rather than a full order.
 *
 * <pre>{@code
 * Selector bubble = pairRanker.selector(Strategy.BUBBLE);
 * int best = bubble.best(new Item("What is 2+2?", answers));      // 2·(C−1) pair rows instead of C·(C−1)
 * }</pre>
 *
 * <p>Python: {@code Blender.get_best_of_n} / {@code get_worst_of_n} (bubble).
 *
 * <p>Thread-safe when the ranker or scorer it runs over is (the project's are); seeded strategies give the same answer
 * for the same item whatever thread asks.
 */
public interface Selector {
    /**
     * The best {@code k} candidates of {@code item}, best first (all if there are fewer than k).
     *
     * @param item the input and its candidates
     * @param k how many to select, at least 1 and at most {@link #maxK()}
     * @return the selected indices, best first, with whatever verdicts or ranking the strategy produced
     */
    Selection select(Item item, int k);

    /**
     * Many items; implementations that batch across items override this.
     *
     * @param items the inputs, each with its candidates
     * @param k how many to select per item
     * @return one selection per item, in order
     */
    default List<Selection> select(List<Item> items, int k) {
        List<Selection> out = new ArrayList<>(items.size());
        for (Item item : items) {
            out.add(select(item, k));
        }
        return out;
    }

    /**
     * The index of the best candidate.
     *
     * @param item the input and its candidates
     * @return the index into {@code item.candidates()}
     */
    default int best(Item item) {
        return select(item, 1).bestIndex();
    }

    /**
     * The index of the best candidate of an input without instruction.
     *
     * @param input the prompt the candidates answer
     * @param candidates the answers
     * @return the index into {@code candidates}
     */
    default int best(String input, List<String> candidates) {
        return best(new Item(input, candidates));
    }

    /**
     * The largest K this selector can place: 1 for strategies that find only the best (bubble, knockout).
     *
     * @return the largest {@code k} that {@link #select(Item, int)} accepts
     */
    default int maxK() {
        return Integer.MAX_VALUE;
    }

    /**
     * The index of the worst candidate; strategies that only find the best refuse.
     *
     * @param item the input and its candidates
     * @return the index into {@code item.candidates()}
     * @throws UnsupportedOperationException for a strategy that only finds the best
     */
    default int worst(Item item) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " selects only the best; use the full strategy or bubble for the worst");
    }
}
