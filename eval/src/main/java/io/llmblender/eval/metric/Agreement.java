package io.llmblender.eval.metric;

import io.llmblender.eval.data.PairwiseItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agreement of a judge with human labels, as Auto-J's leaderboard computes it ({@code pairwise_eval.py}):
 * <ul>
 *   <li><b>both orders</b> (pairwise judges): the judge sees each pair as (a, b) and as (b, a); an item counts as
 *       agreeing only if both verdicts, mapped back to the original order, equal the label (ties included);
 *       <b>consistency</b> is the share of items whose two verdicts agree;</li>
 *   <li><b>one pass</b> (single-rating judges): agreement is the share of verdicts equal to the label;</li>
 *   <li><b>scalar threshold</b> (reward models): |score a − score b| below a threshold is a tie, with the threshold
 *       searched from 0 to 2.0 in steps of 0.01 on the test set itself (as Auto-J's README says it did).</li>
 * </ul>
 * Verdicts use the labels' coding: 0 = first shown better, 1 = second shown better, 2 = tie. Stateless.
 */
public final class Agreement {
    private Agreement() {}

    /**
     * Percentages over all items and per group (in first-seen order).
     *
     * @param agreement percent of items whose verdicts equal the label
     * @param consistency percent of items whose two verdicts agree (NaN for one pass)
     * @param items the number of items
     * @param agreementByGroup agreement per group, in percent
     * @param consistencyByGroup consistency per group, in percent (empty for one pass)
     * @param threshold the tie threshold chosen for scalar rewards (NaN otherwise)
     */
    public record Result(
            double agreement,
            double consistency,
            int items,
            Map<String, Double> agreementByGroup,
            Map<String, Double> consistencyByGroup,
            double threshold) {}

    /**
     * Both orders: {@code swapped[i]} is the verdict on (b, a), where 0 means b.
     *
     * @param items the labelled pairs
     * @param original the verdict on each pair shown as (a, b): 0 = a, 1 = b, 2 = tie
     * @param swapped the verdict on each pair shown as (b, a): 0 = b, 1 = a, 2 = tie
     * @return agreement and consistency, overall and per group, in percent
     */
    public static Result bothOrders(List<PairwiseItem> items, int[] original, int[] swapped) {
        check(items, original);
        check(items, swapped);
        Map<String, int[]> groups = new LinkedHashMap<>(); // group -> [n, agree, consistent]
        int agree = 0;
        int consistent = 0;
        for (int i = 0; i < items.size(); i++) {
            int back = swapped[i] == 0 ? 1 : swapped[i] == 1 ? 0 : 2;
            int label = items.get(i).label();
            boolean a = original[i] == label && back == label;
            boolean c = original[i] == back;
            agree += a ? 1 : 0;
            consistent += c ? 1 : 0;
            int[] g = groups.computeIfAbsent(items.get(i).group(), k -> new int[3]);
            g[0]++;
            g[1] += a ? 1 : 0;
            g[2] += c ? 1 : 0;
        }
        return result(items.size(), agree, consistent, groups, Double.NaN);
    }

    /**
     * One pass: {@code verdicts[i]} on (a, b). Consistency is not defined and reported as NaN.
     *
     * @param items the labelled pairs
     * @param verdicts the verdict on each pair shown as (a, b): 0 = a, 1 = b, 2 = tie
     * @return agreement overall and per group, in percent; consistency is NaN
     */
    public static Result onePass(List<PairwiseItem> items, int[] verdicts) {
        check(items, verdicts);
        Map<String, int[]> groups = new LinkedHashMap<>();
        int agree = 0;
        for (int i = 0; i < items.size(); i++) {
            boolean a = verdicts[i] == items.get(i).label();
            agree += a ? 1 : 0;
            int[] g = groups.computeIfAbsent(items.get(i).group(), k -> new int[3]);
            g[0]++;
            g[1] += a ? 1 : 0;
        }
        Result r = result(items.size(), agree, 0, groups, Double.NaN);
        return new Result(r.agreement(), Double.NaN, r.items(), r.agreementByGroup(), Map.of(), Double.NaN);
    }

    /**
     * Scalar rewards: the best threshold t in {0, 0.01, …, 2.0} for "tie if |Δ| &lt; t" (the first best, so ties in
     * agreement keep the smallest t). The threshold is tuned on the very items it is scored on; say so when
     * reporting it.
     *
     * @param items the labelled pairs
     * @param scoreA the reward of each pair's response a
     * @param scoreB the reward of each pair's response b
     * @return the agreement at the best threshold, which {@link Result#threshold()} reports
     */
    public static Result scalarThreshold(List<PairwiseItem> items, double[] scoreA, double[] scoreB) {
        Result best = null;
        for (int k = 0; k <= 200; k++) {
            double t = k / 100.0;
            int[] verdicts = new int[items.size()];
            for (int i = 0; i < verdicts.length; i++) {
                double d = scoreA[i] - scoreB[i];
                verdicts[i] = Math.abs(d) < t ? PairwiseItem.TIE : d > 0 ? PairwiseItem.FIRST : PairwiseItem.SECOND;
            }
            Result r = onePass(items, verdicts);
            if (best == null || r.agreement() > best.agreement()) {
                best = new Result(r.agreement(), r.consistency(), r.items(), r.agreementByGroup(), Map.of(), t);
            }
        }
        return best;
    }

    private static Result result(int n, int agree, int consistent, Map<String, int[]> groups, double threshold) {
        Map<String, Double> a = new LinkedHashMap<>();
        Map<String, Double> c = new LinkedHashMap<>();
        groups.forEach((k, g) -> {
            a.put(k, 100.0 * g[1] / g[0]);
            c.put(k, 100.0 * g[2] / g[0]);
        });
        return new Result(100.0 * agree / n, 100.0 * consistent / n, n, a, c, threshold);
    }

    private static void check(List<PairwiseItem> items, int[] verdicts) {
        if (verdicts.length != items.size()) {
            throw new IllegalArgumentException(verdicts.length + " verdicts for " + items.size() + " items");
        }
    }
}
