package io.llmblender.ranker.select;

import io.llmblender.ranker.PairScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * One item's selection as rounds of duels. {@link #runAll} asks every unfinished plan for its next round, scores
 * the duels of all items in both orders with one scorer call, and hands each plan its results, so a round of many
 * items is one batch of forward passes. Not thread-safe; one plan per item and run.
 */
abstract class DuelPlan {
    /** The duels of the next round as {@code {a, b}} pairs; empty when the plan is finished. */
    abstract List<int[]> next();

    /** The results of the round {@link #next()} returned, in its order. */
    abstract void record(List<Duel> results);

    /** Runs the plans to the end; {@code plans.get(n)} is item {@code n} of the scorer. */
    static void runAll(List<? extends DuelPlan> plans, PairScorer.Bound scorer) {
        while (true) {
            List<PairScorer.Pair> pairs = new ArrayList<>();
            List<List<int[]>> rounds = new ArrayList<>();
            for (int n = 0; n < plans.size(); n++) {
                List<int[]> round = plans.get(n).next();
                rounds.add(round);
                for (int[] d : round) {
                    pairs.add(new PairScorer.Pair(n, d[0], d[1]));
                    pairs.add(new PairScorer.Pair(n, d[1], d[0]));
                }
            }
            if (pairs.isEmpty()) {
                return;
            }
            float[] logits = scorer.logits(pairs);
            int k = 0;
            for (int n = 0; n < plans.size(); n++) {
                if (rounds.get(n).isEmpty()) {
                    continue;
                }
                List<Duel> results = new ArrayList<>();
                for (int[] d : rounds.get(n)) {
                    results.add(new Duel(d[0], d[1], logits[k], logits[k + 1]));
                    k += 2;
                }
                plans.get(n).record(results);
            }
        }
    }

    /** Checks that {@code p} is a permutation of {@code 0..p.length-1}; returns a copy. */
    static int[] checkedPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) {
                throw new IllegalArgumentException("start permutation " + java.util.Arrays.toString(p)
                        + " is not a permutation of 0.." + (p.length - 1));
            }
            seen[v] = true;
        }
        return p.clone();
    }
}
