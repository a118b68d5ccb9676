package io.llmblender.ranker.select;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.ReferenceMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Scalar rewards against a reference answer (spec §3.4, the reference's {@code rank_with_ref}):
 * {@code reward(c) = f(c, ref) − f(ref, c)}, both orders, the reference itself getting −0.0, ranked as scores.
 * The reference is scored as one more candidate of its input, so it gets the same token budget. Stateless.
 */
public final class ReferenceRewards {
    private ReferenceRewards() {}

    /**
     * Against the candidate {@code mode} picks in each item.
     *
     * @param scorer scores candidates against the reference
     * @param items the inputs with their candidates
     * @param mode how the reference is chosen
     * @return one ranking per item
     */
    public static List<Ranking> rank(PairScorer scorer, List<Item> items, ReferenceMode mode) {
        Candidates.checkSameCount(items);
        List<String> refs = new ArrayList<>();
        for (Item item : items) {
            refs.add(item.candidates().get(mode.pick(item.candidates())));
        }
        return rank(scorer, items, refs);
    }

    /**
     * Against an explicit reference per item ({@code ref_candidates}), with the reference's checks.
     *
     * @param scorer scores candidates against the reference
     * @param items the inputs with their candidates
     * @param references one reference answer per item
     * @return one ranking per item
     */
    public static List<Ranking> rank(PairScorer scorer, List<Item> items, List<String> references) {
        if (references.size() != items.size()) {
            throw new IllegalArgumentException("Number of ref_candidates must be the same as inputs");
        }
        for (String r : references) {
            if (r == null) {
                throw new IllegalArgumentException("Each ref_candidate must be a string");
            }
        }
        Candidates.checkSameCount(items);
        List<Item> withRef = new ArrayList<>();
        List<PairScorer.Pair> pairs = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            Item item = items.get(n);
            List<String> candidates = new ArrayList<>(item.candidates());
            candidates.add(references.get(n));
            withRef.add(item.withCandidates(candidates));
            int ref = item.size();
            for (int c = 0; c < ref; c++) {
                pairs.add(new PairScorer.Pair(n, ref, c));
                pairs.add(new PairScorer.Pair(n, c, ref));
            }
        }
        float[] logits = scorer.logits(withRef, pairs);
        List<Ranking> out = new ArrayList<>();
        int k = 0;
        for (Item item : items) {
            float[] rewards = new float[item.size()];
            for (int c = 0; c < rewards.length; c++) {
                rewards[c] = -(logits[k] - logits[k + 1]); // −compare(ref, c) in both orders
                k += 2;
            }
            out.add(Ranking.of(item.candidates(), rewards, new float[0][]));
        }
        return out;
    }
}
