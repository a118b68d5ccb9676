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
 */
public interface PairScorer {
    /** {@code f(first, second)} of two candidate indices of {@code items.get(item)}. */
    record Pair(int item, int first, int second) {
        public Pair {
            if (first == second) {
                throw new IllegalArgumentException("a pair compares two different candidates; both are " + first);
            }
        }
    }

    /** The logit of each pair, in order. */
    float[] logits(List<Item> items, List<Pair> pairs);

    /**
     * The scorer bound to fixed items, as the selection algorithms ask it step after step. Implementations that
     * encode their inputs override this to encode once.
     */
    default Bound bind(List<Item> items) {
        List<Item> fixed = List.copyOf(items);
        return pairs -> logits(fixed, pairs);
    }

    /** A scorer over fixed items: the view {@code FullPairwise}, {@code BubbleSelection} and friends use. */
    @FunctionalInterface
    interface Bound {
        float[] logits(List<Pair> pairs);
    }

    /** Candidate A ({@code candidates[0]}) against B ({@code candidates[1]}); see {@link CompareMode}. */
    default Comparison compare(Item item, CompareMode mode) {
        return compare(List.of(item), mode).get(0);
    }

    /** {@link #compare(Item, CompareMode)} without instruction. */
    default Comparison compare(String input, String a, String b, CompareMode mode) {
        return compare(new Item(input, List.of(a, b)), mode);
    }

    /**
     * Many comparisons, each item's candidates exactly {@code [A, B]}, every pass they need in one call.
     * Python: {@code Blender.compare(inputs, candidates_A, candidates_B, instructions, mode)}; signs as the
     * reference's (spec §3.3).
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
     */
    default List<Comparison> compareConversations(
            List<List<Turn>> conversationsA, List<List<Turn>> conversationsB, CompareMode mode) {
        return compare(Conversations.pairs(conversationsA, conversationsB), mode);
    }
}
