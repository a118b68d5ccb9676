package io.llmblender.ranker;

import io.llmblender.ranker.select.Aggregation;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidates of one input, scored and ranked. Ranks are 1-based competition ranks (ties share the best
 * rank); {@link #best(int)} is a stable top-K (ties keep the candidates' order). Immutable; arrays are copied.
 *
 * @param candidates the candidates, in input order
 * @param scores one score per candidate; higher is better
 * @param ranks one 1-based competition rank per candidate
 * @param matrix the comparison matrix {@code f(i, j)} when the scores came from one (else an empty array)
 */
public record Ranking(List<String> candidates, float[] scores, int[] ranks, float[][] matrix) {
    /**
     * Copies the list and arrays, and checks their lengths agree.
     *
     * @param candidates the candidates, in input order
     * @param scores one score per candidate; higher is better
     * @param ranks one 1-based competition rank per candidate
     * @param matrix the comparison matrix {@code f(i, j)} when the scores came from one (else an empty array)
     * @throws IllegalArgumentException if the lengths differ
     */
    public Ranking {
        candidates = List.copyOf(candidates);
        scores = scores.clone();
        ranks = ranks.clone();
        matrix = copy(matrix);
        if (scores.length != candidates.size() || ranks.length != candidates.size()) {
            throw new IllegalArgumentException("a ranking needs one score and one rank per candidate");
        }
    }

    /**
     * Ranks the scores (higher is better).
     *
     * @param candidates the candidates, in input order
     * @param scores one score per candidate
     * @param matrix the comparison matrix, or an empty array
     * @return the ranking
     */
    public static Ranking of(List<String> candidates, float[] scores, float[][] matrix) {
        return new Ranking(candidates, scores, Aggregation.ranks(scores), matrix);
    }

    /**
     * One score per candidate, in candidate order; higher is better.
     *
     * @return a copy
     */
    @Override
    public float[] scores() {
        return scores.clone();
    }

    /**
     * One 1-based competition rank per candidate, in candidate order (ties share the best rank).
     *
     * @return a copy
     */
    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    /**
     * The comparison matrix {@code f(i, j)} the scores came from.
     *
     * @return a copy, or an empty array
     */
    @Override
    public float[][] matrix() {
        return copy(matrix);
    }

    /**
     * Candidate indices, best first, ties in index order.
     *
     * @return the indices
     */
    public int[] order() {
        return Aggregation.orderBestFirst(ranks);
    }

    /**
     * Index of the best candidate (the first of equals).
     *
     * @return the index
     */
    public int bestIndex() {
        return order()[0];
    }

    /**
     * The best {@code k} candidates, best first (all if {@code k} exceeds their number).
     *
     * @param k how many to keep
     * @return at most {@code k} candidates, best first
     */
    public List<String> best(int k) {
        List<String> out = new ArrayList<>();
        int[] order = order();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            out.add(candidates.get(order[i]));
        }
        return out;
    }

    private static float[][] copy(float[][] m) {
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
