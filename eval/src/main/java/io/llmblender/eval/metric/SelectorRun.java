package io.llmblender.eval.metric;

import io.llmblender.eval.ResultCache;
import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.ranker.Ranker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Every selector on one pool of AlpacaEval models: oracle, random (exact expectation), each single model,
 * longest and shortest output, and any rankers given (consensus, PairRM, an LLM judge), each with its win rate,
 * bootstrap interval and, for rankers, its cost. Not thread-safe.
 */
public final class SelectorRun {
    /**
     * The outcome: scores by selector, plus the best single model and the oracle for the gap.
     *
     * @param scores every selector's score: oracle, random, each single model, the length baselines and each ranker
     * @param bestSingle the pool member with the highest win rate
     * @param rankerSeconds each ranker's wall time, in seconds
     * @param instructions the instructions used
     * @param rankerWork each ranker's work (e.g. PairRM's pair rows), by ranker name
     */
    public record Result(
            List<EnsembleGain.Score> scores,
            String bestSingle,
            Map<String, Double> rankerSeconds,
            int instructions,
            Map<String, Long> rankerWork) {}

    private SelectorRun() {}

    /**
     * Scores every selector (oracle, random, each single model, the length baselines, each ranker) on the first {@code
     * limit} instructions of one pool.
     *
     * @param ae the recorded outputs and preferences
     * @param pool the models whose outputs are picked among
     * @param rankers the selectors, by name
     * @param limit only the first {@code limit} instructions (0 = all 805)
     * @param seed the bootstrap's seed
     * @param progress told (done, total) over instructions for each ranker
     * @return every selector's score (with the oracle's and each single model's), the best single model and each
     *     ranker's time and work
     */
    public static Result run(
            AlpacaEval ae,
            List<String> pool,
            Map<String, Ranker> rankers,
            int limit,
            long seed,
            BiConsumer<Integer, Integer> progress) {
        return run(ae, pool, rankers, limit, seed, progress, null, Map.of());
    }

    /**
     * As above, taking each ranker's pick from {@code cache} when an earlier run already made it, and reading each
     * ranker's work (e.g. PairRM's forward-pass rows) from {@code counters} after it ran.
     *
     * @param ae the recorded outputs and preferences
     * @param pool the models whose outputs are picked among
     * @param rankers the selectors, by name
     * @param limit only the first {@code limit} instructions (0 = all 805)
     * @param seed the bootstrap's seed
     * @param progress told (done, total) over instructions for each ranker
     * @param cache the picks of earlier runs, or null
     * @param counters each ranker's work counter, by ranker name, read after it ran
     * @return every selector's score (with the oracle's and each single model's), the best single model and each
     *     ranker's time and work
     */
    public static Result run(
            AlpacaEval ae,
            List<String> pool,
            Map<String, Ranker> rankers,
            int limit,
            long seed,
            BiConsumer<Integer, Integer> progress,
            ResultCache cache,
            Map<String, LongSupplier> counters) {
        int n = limit > 0 ? Math.min(limit, AlpacaEval.INSTRUCTIONS) : AlpacaEval.INSTRUCTIONS;
        List<double[]> prefs = new ArrayList<>();
        List<String[]> outputs = new ArrayList<>();
        for (String m : pool) {
            prefs.add(java.util.Arrays.copyOf(ae.preferences(m), n));
            outputs.add(java.util.Arrays.copyOf(ae.outputs(m), n));
        }
        List<EnsembleGain.Score> scores = new ArrayList<>();
        int resamples = 1000;
        scores.add(EnsembleGain.score("oracle", EnsembleGain.oracle(prefs), resamples, seed));
        scores.add(EnsembleGain.score("random (expected)", EnsembleGain.randomExpectation(prefs), resamples, seed));
        String best = null;
        double bestRate = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < pool.size(); k++) {
            EnsembleGain.Score s = EnsembleGain.score(pool.get(k), prefs.get(k), resamples, seed);
            scores.add(s);
            if (s.winRate() > bestRate) {
                bestRate = s.winRate();
                best = pool.get(k);
            }
        }
        scores.add(
                EnsembleGain.score("longest", EnsembleGain.picks(prefs, byLength(outputs, n, true)), resamples, seed));
        scores.add(EnsembleGain.score(
                "shortest", EnsembleGain.picks(prefs, byLength(outputs, n, false)), resamples, seed));
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Long> work = new LinkedHashMap<>();
        for (Map.Entry<String, Ranker> r : rankers.entrySet()) {
            long t0 = System.nanoTime();
            int[] choice = new int[n];
            for (int i = 0; i < n; i++) {
                List<Integer> members = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (int k = 0; k < pool.size(); k++) {
                    if (outputs.get(k)[i] != null) {
                        members.add(k);
                        texts.add(outputs.get(k)[i]);
                    }
                }
                if (texts.isEmpty()) {
                    choice[i] = -1;
                } else if (texts.size() == 1) {
                    choice[i] = members.get(0);
                } else {
                    int index = i;
                    java.util.function.IntSupplier pick = () -> members.get(r.getValue()
                            .rank(ae.instructions().get(index), texts)
                            .bestIndex());
                    choice[i] = cache == null
                            ? pick.getAsInt()
                            : cache.get(ae.judge() + "|" + r.getKey() + "|" + pool + "|" + i, pick);
                }
                progress.accept(i + 1, n);
            }
            seconds.put(r.getKey(), (System.nanoTime() - t0) / 1e9);
            if (counters.containsKey(r.getKey())) {
                work.put(r.getKey(), counters.get(r.getKey()).getAsLong());
            }
            scores.add(EnsembleGain.score(r.getKey(), EnsembleGain.picks(prefs, choice), resamples, seed));
        }
        return new Result(scores, best, seconds, n, work);
    }

    private static int[] byLength(List<String[]> outputs, int n, boolean longest) {
        int[] choice = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = -1;
            int pickLength = 0;
            for (int k = 0; k < outputs.size(); k++) {
                String o = outputs.get(k)[i];
                if (o == null) {
                    continue;
                }
                int len = o.codePointCount(0, o.length());
                if (pick < 0 || (longest ? len > pickLength : len < pickLength)) {
                    pick = k;
                    pickLength = len;
                }
            }
            choice[i] = pick;
        }
        return choice;
    }
}
