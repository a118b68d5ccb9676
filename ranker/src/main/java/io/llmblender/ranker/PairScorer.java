package io.llmblender.ranker;

import java.util.ArrayList;
import java.util.List;

/**
 * Verdicts on ordered pairs of candidates: {@code f(first, second) > 0} means {@code first} is the better
 * answer. What PairRM provides, what the selection strategies consume, and what {@code compare} is built on.
 * One call carries every pair a step needs, so an implementation can batch them into few forward passes.
 *
 * <pre>{@code
 * PairScorer pairRm = PairRanker.load("llm-blender/PairRM-hf");
 * Comparison c = pairRm.compare(new Item("hello!", List.of("hi!", "f**k off!")), CompareMode.BOTH);
 * c.aBetter();      // true: the first answer is the better one
 * }</pre>
 *
 * <p>Implementations must be thread-safe: the server's {@code /v1/compare} and the selectors call one scorer from many
 * threads at once. The project's ({@code PairRanker}, {@code DebertaRewardModel}) are.
 */
public interface PairScorer {
    /**
     * {@code f(first, second)} of two candidate indices of {@code items.get(item)}.
     *
     * @param item the index of the input among the bound items
     * @param first the candidate in slot 1
     * @param second the candidate in slot 2, not {@code first}
     */
    record Pair(int item, int first, int second) {
        /**
         * Refuses a pair of a candidate with itself.
         *
         * @param item the index of the input among the bound items
         * @param first the candidate in slot 1
         * @param second the candidate in slot 2, not {@code first}
         * @throws IllegalArgumentException if {@code first == second}
         */
        public Pair {
            if (first == second) {
                throw new IllegalArgumentException("a pair compares two different candidates; both are " + first);
            }
        }
    }

    /**
     * The logit of each pair, in order.
     *
     * @param items the inputs the pairs refer to
     * @param pairs the ordered pairs to score
     * @return {@code f(first, second)} per pair; {@code > 0} means {@code first} is the better answer
     */
    float[] logits(List<Item> items, List<Pair> pairs);

    /**
     * The scorer bound to fixed items, as the selection algorithms ask it step after step. Implementations that
     * encode their inputs override this to encode once.
     *
     * @param items the inputs every later call refers to
     * @return a scorer of pairs of those items
     */
    default Bound bind(List<Item> items) {
        List<Item> fixed = List.copyOf(items);
        return pairs -> logits(fixed, pairs);
    }

    /** A scorer over fixed items: the view {@code FullPairwise}, {@code BubbleSelection} and friends use. */
    @FunctionalInterface
    interface Bound {
        /**
         * The logit of each pair, against the items this scorer was bound to.
         *
         * @param pairs the ordered pairs to score
         * @return {@code f(first, second)} per pair, in order
         */
        float[] logits(List<Pair> pairs);
    }

    /**
     * Candidate A ({@code candidates[0]}) against B ({@code candidates[1]}); see {@link CompareMode}.
     *
     * @param item an input with exactly two candidates, A and B
     * @param mode which orders are scored
     * @return the verdict
     */
    default Comparison compare(Item item, CompareMode mode) {
        return compare(List.of(item), mode).get(0);
    }

    /**
     * {@link #compare(Item, CompareMode)} without instruction.
     *
     * @param input the prompt both answers respond to
     * @param a answer A
     * @param b answer B
     * @param mode which orders are scored
     * @return the verdict
     */
    default Comparison compare(String input, String a, String b, CompareMode mode) {
        return compare(new Item(input, List.of(a, b)), mode);
    }

    /**
     * Many comparisons, each item's candidates exactly {@code [A, B]}, every pass they need in one call.
     * Python: {@code Blender.compare(inputs, candidates_A, candidates_B, instructions, mode)}; signs as the
     * reference's (spec §3.3).
     *
     * @param items inputs with exactly two candidates each
     * @param mode which orders are scored
     * @return one verdict per item, in order
     */
    default List<Comparison> compare(List<Item> items, CompareMode mode) {
        List<Pair> pairs = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            if (items.get(n).size() != 2) {
                throw new IllegalArgumentException("Number of candidates_A and candidates_B must be the same");
            }
            if (mode != CompareMode.B_A) {
                pairs.add(new Pair(n, 0, 1));
            }
            if (mode != CompareMode.A_B) {
                pairs.add(new Pair(n, 1, 0));
            }
        }
        float[] logits = logits(items, pairs);
        List<Comparison> out = new ArrayList<>(items.size());
        for (int n = 0; n < items.size(); n++) {
            float logit = mode == CompareMode.BOTH ? logits[2 * n] - logits[2 * n + 1] : logits[n];
            out.add(new Comparison(mode, logit));
        }
        return out;
    }

    /**
     * Compares two sets of multi-turn conversations that share their user turns (spec §2.8). Python:
     * {@code Blender.compare_conversations(conversations_a, conversations_b)}; validation and messages are the
     * reference's.
     *
     * @param conversationsA the first conversation of each pair
     * @param conversationsB the second conversation of each pair, with the same user turns
     * @param mode which orders are scored
     * @return one verdict per pair; A is {@code conversationsA}'s
     */
    default List<Comparison> compareConversations(
            List<List<Turn>> conversationsA, List<List<Turn>> conversationsB, CompareMode mode) {
        return compare(Conversations.pairs(conversationsA, conversationsB), mode);
    }
}
