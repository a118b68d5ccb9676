package io.llmblender.batch;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.StartOrder;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.Verdict;
import io.llmblender.ranker.select.BubbleSelection;
import io.llmblender.ranker.select.KnockoutTournament;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks many records with one model: records with the same number of candidates go to the model together, so
 * it packs all their pair rows into forward passes by its token budget (a chunk is not one pass per record).
 * Full ranking gives ranks, scores and (on request) the matrix; bubble and knockout find the best and the worst
 * from the start order {@link StartOrder} derives from the seed and each record's content, so a record gets the
 * same result whatever else shares its chunk, on any machine. Thread-safe when the model is.
 *
 * @param model the ranking model
 * @param strategy full, bubble or knockout
 * @param seed must be the seed the model's selectors use (PairRankerOptions.seed), so that the best found here
 *     is the one {@code model.selector(strategy).best(item)} finds
 * @param withMatrix keep the full strategy's comparison matrix
 * @param withMargin compute {@code f(best, worst) − f(worst, best)} (one extra pair where the strategy did not
 *     compare them), the DPO margin
 */
public record BatchRanker(RankingModel model, Strategy strategy, long seed, boolean withMatrix, boolean withMargin) {
    /**
     * Refuses the top-k strategy, which finds no worst candidate.
     *
     * @param model the ranking model
     * @param strategy full, bubble or knockout
     * @param seed the seed the model's selectors use
     * @param withMatrix keep the full strategy's comparison matrix
     * @param withMargin compute the best-versus-worst margin
     * @throws IllegalArgumentException for {@link Strategy#TOP_K}
     */
    public BatchRanker {
        if (strategy == Strategy.TOP_K) {
            throw new IllegalArgumentException(
                    "strategy top-k finds no worst candidate; use full, bubble or knockout for batch files");
        }
    }

    /**
     * Pair rows one record of {@code candidates} costs: C·(C−1) for full, 2·(C−1) for the best and as many for the
     * worst for bubble and knockout. What batches are sized by.
     *
     * @param candidates the record's number of candidates
     * @return the pair rows
     */
    public int pairRows(int candidates) {
        return strategy == Strategy.FULL ? candidates * (candidates - 1) : 4 * (candidates - 1);
    }

    /**
     * One result per record, in order.
     *
     * @param records the records to rank
     * @return one result per record, in order
     */
    public List<RankResult> rank(List<RankRecord> records) {
        Map<Integer, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            bySize.computeIfAbsent(records.get(i).candidates().size(), c -> new ArrayList<>())
                    .add(i);
        }
        RankResult[] out = new RankResult[records.size()];
        for (List<Integer> group : bySize.values()) {
            List<RankRecord> same = group.stream().map(records::get).toList();
            List<RankResult> done = rankSameSize(same);
            for (int g = 0; g < group.size(); g++) {
                out[group.get(g)] = done.get(g);
            }
        }
        return List.of(out);
    }

    private List<RankResult> rankSameSize(List<RankRecord> records) {
        List<Item> items = records.stream().map(RankRecord::item).toList();
        int n = items.size();
        int[] best = new int[n];
        int[] worst = new int[n];
        List<Map<Long, Float>> known = new ArrayList<>();
        List<Ranking> rankings = null;
        PairScorer.Bound bound = null;
        if (strategy == Strategy.FULL) {
            rankings = model.rank(items);
            for (int i = 0; i < n; i++) {
                int[] order = rankings.get(i).order();
                best[i] = order[0];
                worst[i] = order[order.length - 1];
                known.add(fromMatrix(rankings.get(i).matrix()));
            }
        } else {
            bound = model.bind(items);
            int[][] starts = new int[n][];
            for (int i = 0; i < n; i++) {
                starts[i] = StartOrder.of(seed, items.get(i));
                known.add(new HashMap<>());
            }
            List<List<Verdict>> bestRuns = select(starts, bound, true, best);
            List<List<Verdict>> worstRuns = select(starts, bound, false, worst);
            for (int i = 0; i < n; i++) {
                remember(known.get(i), bestRuns.get(i));
                remember(known.get(i), worstRuns.get(i));
            }
        }
        float[] margins = withMargin ? margins(items, best, worst, known, bound) : null;
        List<RankResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Ranking r = rankings == null ? null : rankings.get(i);
            float[][] m = r != null && withMatrix && r.matrix().length > 0 ? r.matrix() : null;
            out.add(new RankResult(
                    records.get(i).id(),
                    r == null ? null : r.ranks(),
                    r == null ? null : r.scores(),
                    best[i],
                    worst[i],
                    m,
                    margins == null ? Float.NaN : margins[i]));
        }
        return out;
    }

    private List<List<Verdict>> select(int[][] starts, PairScorer.Bound bound, boolean best, int[] winners) {
        List<List<Verdict>> verdicts = new ArrayList<>();
        if (strategy == Strategy.BUBBLE) {
            List<BubbleSelection.Result> rs = BubbleSelection.run(starts, bound, best);
            for (int i = 0; i < rs.size(); i++) {
                winners[i] = rs.get(i).winner();
                verdicts.add(rs.get(i).verdicts());
            }
        } else {
            List<KnockoutTournament.Result> rs = KnockoutTournament.run(starts, bound, best);
            for (int i = 0; i < rs.size(); i++) {
                winners[i] = rs.get(i).winner();
                verdicts.add(rs.get(i).verdicts());
            }
        }
        return verdicts;
    }

    /** f(b, w) − f(w, b) per item, from the verdicts already known, scoring only the pairs that are not. */
    private float[] margins(
            List<Item> items, int[] best, int[] worst, List<Map<Long, Float>> known, PairScorer.Bound bound) {
        List<PairScorer.Pair> missing = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (best[i] != worst[i]) {
                addIfMissing(missing, known.get(i), i, best[i], worst[i]);
                addIfMissing(missing, known.get(i), i, worst[i], best[i]);
            }
        }
        if (!missing.isEmpty()) {
            float[] logits = (bound == null ? model.bind(items) : bound).logits(missing);
            for (int p = 0; p < missing.size(); p++) {
                PairScorer.Pair pair = missing.get(p);
                known.get(pair.item()).put(key(pair.first(), pair.second()), logits[p]);
            }
        }
        float[] out = new float[items.size()];
        for (int i = 0; i < items.size(); i++) {
            out[i] = best[i] == worst[i]
                    ? 0f
                    : known.get(i).get(key(best[i], worst[i])) - known.get(i).get(key(worst[i], best[i]));
        }
        return out;
    }

    private static void addIfMissing(
            List<PairScorer.Pair> missing, Map<Long, Float> known, int item, int first, int second) {
        if (!known.containsKey(key(first, second))) {
            missing.add(new PairScorer.Pair(item, first, second));
        }
    }

    private static Map<Long, Float> fromMatrix(float[][] m) {
        Map<Long, Float> known = new HashMap<>();
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    known.put(key(i, j), m[i][j]);
                }
            }
        }
        return known;
    }

    private static void remember(Map<Long, Float> known, List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            known.put(key(v.first(), v.second()), v.logit());
        }
    }

    private static long key(int first, int second) {
        return ((long) first << 32) | (second & 0xFFFFFFFFL);
    }
}
