package io.llmblender.ranker;

import io.llmblender.ranker.select.BubbleSelection;
import io.llmblender.ranker.select.Candidates;
import io.llmblender.ranker.select.ReferenceRewards;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded ranking model with every capability: it orders ({@link Ranker}), compares ({@link PairScorer}), scores
 * ({@link RewardModel}) and selects by any {@link Strategy}. PairRM and the DeBERTa reward model are ranking
 * models; {@link RankingModels#load} loads either from a folder or hub id, telling them apart by
 * {@code config.json}. What the CLI, the ensemble configuration and the server hold, so no caller needs to know
 * which model it is. Owns native memory: close it.
 *
 * <p>Python's batch layouts are defaults here, over {@link #bind} and {@link #compare(List, CompareMode)}, so every
 * ranking model answers them alike: {@code compare} of parallel lists, {@code bestOfN}/{@code worstOfN} from
 * explicit start permutations, and {@code rankWithReference}.
 *
 * <p>Thread-safe: the two implementations gate their forward passes ({@code PairRmOptions.concurrentPasses});
 * {@link #close()} waits for passes in flight.
 */
public interface RankingModel extends Ranker, PairScorer, RewardModel, AutoCloseable {
    /**
     * A selector following {@code strategy} over this model.
     *
     * @param strategy the selection strategy
     * @return a selector over this model
     */
    Selector selector(Strategy strategy);

    /** Frees the model; idempotent. Passes in flight finish first. */
    @Override
    void close();

    /**
     * Python's {@code compare(inputs, candidates_A, candidates_B, instructions, mode)} argument layout.
     *
     * @param instructions one instruction per input, or null for none
     * @param inputs the inputs
     * @param candidatesA candidate A of each input
     * @param candidatesB candidate B of each input
     * @param mode which orders are scored
     * @return one verdict per input
     */
    default List<Comparison> compare(
            List<String> instructions,
            List<String> inputs,
            List<String> candidatesA,
            List<String> candidatesB,
            CompareMode mode) {
        if (candidatesA.size() != candidatesB.size()) {
            throw new IllegalArgumentException("Number of candidates_A and candidates_B must be the same");
        }
        if (inputs.size() != candidatesA.size()) {
            throw new IllegalArgumentException("Number of inputs and candidates must be the same");
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            items.add(new Item(
                    instructions == null ? null : instructions.get(i),
                    inputs.get(i),
                    List.of(candidatesA.get(i), candidatesB.get(i))));
        }
        return compare(items, mode);
    }

    /**
     * Bubble best-of-n for many inputs, each from its own explicit starting permutation (spec §3.5–3.6; Python
     * {@code get_best_of_n}, whose permutation is unseeded). The result holds the winner, the elimination order
     * (not a ranking) and every step's verdicts. For a seeded start, use {@code selector(Strategy.BUBBLE)}.
     *
     * @param items the inputs with their candidates
     * @param startPermutations one starting permutation per item
     * @return one bubble result per item
     */
    default List<BubbleSelection.Result> bestOfN(List<Item> items, List<int[]> startPermutations) {
        return bubble(items, startPermutations, true);
    }

    /**
     * Mirror of {@link #bestOfN}: the worst candidate of each input (Python {@code get_worst_of_n}).
     *
     * @param items the inputs with their candidates
     * @param startPermutations one starting permutation per item
     * @return one bubble result per item; its winner is the worst candidate
     */
    default List<BubbleSelection.Result> worstOfN(List<Item> items, List<int[]> startPermutations) {
        return bubble(items, startPermutations, false);
    }

    private List<BubbleSelection.Result> bubble(List<Item> items, List<int[]> starts, boolean best) {
        Candidates.checkSameCount(items);
        if (starts.size() != items.size()) {
            throw new IllegalArgumentException("one start permutation per input is needed; got " + starts.size()
                    + " for " + items.size() + " inputs");
        }
        for (int n = 0; n < items.size(); n++) {
            if (starts.get(n).length != items.get(n).size()) {
                throw new IllegalArgumentException("start permutation of input " + n + " has " + starts.get(n).length
                        + " entries for " + items.get(n).size() + " candidates");
            }
        }
        return BubbleSelection.run(starts.toArray(new int[0][]), bind(items), best);
    }

    /**
     * Rewards against a reference picked among each input's candidates (Python {@code rank_with_ref(ref_mode=)});
     * see {@link ReferenceRewards}.
     *
     * @param items the inputs with their candidates
     * @param mode how the reference is chosen among each item's candidates
     * @return one ranking per item, by reward against the reference
     */
    default List<Ranking> rankWithReference(List<Item> items, ReferenceMode mode) {
        return ReferenceRewards.rank(this, items, mode);
    }

    /**
     * Rewards against an explicit reference per input (Python {@code rank_with_ref(ref_candidates=)}).
     *
     * @param items the inputs with their candidates
     * @param references one reference answer per item
     * @return one ranking per item, by reward against its reference
     */
    default List<Ranking> rankWithReference(List<Item> items, List<String> references) {
        return ReferenceRewards.rank(this, items, references);
    }
}
