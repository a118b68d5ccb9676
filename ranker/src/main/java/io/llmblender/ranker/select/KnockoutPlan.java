package io.llmblender.ranker.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A single-elimination bracket over some candidates: each round pairs the survivors in order (1st with 2nd, 3rd
 * with 4th, …); an odd one out gets a bye and opens the next round, so no candidate gets two byes in a row.
 * C candidates take C−1 duels in ⌈log₂C⌉ rounds. Duels already in {@code fought} are reused instead of asked
 * again, and every new duel is added to it.
 */
final class KnockoutPlan extends DuelPlan {
    private final boolean best;
    private final Map<Long, Duel> fought;
    private List<Integer> survivors;
    private List<int[]> pending = List.of();
    private List<Duel> round = List.of();

    KnockoutPlan(List<Integer> order, boolean best, Map<Long, Duel> fought) {
        this.survivors = new ArrayList<>(order);
        this.best = best;
        this.fought = fought;
    }

    @Override
    List<int[]> next() {
        while (survivors.size() > 1) {
            List<Duel> known = new ArrayList<>();
            List<int[]> unknown = new ArrayList<>();
            for (int i = 0; i + 1 < survivors.size(); i += 2) {
                int a = survivors.get(i);
                int b = survivors.get(i + 1);
                Duel d = lookup(fought, a, b);
                if (d == null) {
                    unknown.add(new int[] {a, b});
                }
                known.add(d); // null marks a duel still to fight, in bracket order
            }
            if (!unknown.isEmpty()) {
                pending = unknown;
                round = known;
                return unknown;
            }
            advance(known);
        }
        return List.of();
    }

    @Override
    void record(List<Duel> results) {
        List<Duel> complete = new ArrayList<>(round);
        int k = 0;
        for (int i = 0; i < complete.size(); i++) {
            if (complete.get(i) == null) {
                Duel d = results.get(k++);
                fought.put(key(d.a(), d.b()), d);
                complete.set(i, d);
            }
        }
        pending = List.of();
        advance(complete);
    }

    private void advance(List<Duel> duels) {
        List<Integer> next = new ArrayList<>();
        if (survivors.size() % 2 == 1) {
            next.add(survivors.get(survivors.size() - 1)); // the bye opens the next round
        }
        for (Duel d : duels) {
            next.add(d.survivor(best));
        }
        survivors = next;
    }

    /** The bracket's winner, once {@link #next()} has returned no duels. */
    int winner() {
        if (survivors.size() != 1 || !pending.isEmpty()) {
            throw new IllegalStateException("the knockout is not finished");
        }
        return survivors.get(0);
    }

    /** The key of the unordered pair {a, b}. */
    static long key(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    /** A fought duel of a and b, oriented as (a, b), or null. */
    static Duel lookup(Map<Long, Duel> fought, int a, int b) {
        Duel d = fought.get(key(a, b));
        if (d == null || d.a() == a) {
            return d;
        }
        return new Duel(a, b, d.ba(), d.ab());
    }
}
