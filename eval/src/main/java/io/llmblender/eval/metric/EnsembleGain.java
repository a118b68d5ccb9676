package io.llmblender.eval.metric;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ensemble gains on recorded judge preferences (AlpacaEval): per instruction a selector picks one model of a pool,
 * and the pick scores the judge's stored preference for that model. Win rate = 100 · mean(preference − 1) over
 * the instructions with a score (NaN dropped, as the leaderboard does). Stateless.
 */
public final class EnsembleGain {
    private EnsembleGain() {}

    /**
     * A selector's win rate with its bootstrap 95% interval.
     *
     * @param selector the selector's name
     * @param winRate the win rate in percent, {@code 100 · (mean preference − 1)}
     * @param low the interval's lower end, in percent
     * @param high the interval's upper end, in percent
     * @param instructions the instructions that had a score
     */
    public record Score(String selector, double winRate, double low, double high, int instructions) {}

    /**
     * The win rate of per-instruction scores (already the picked preference, NaN = no score), with a bootstrap
     * 95% confidence interval over instructions ({@code resamples} draws, fixed seed).
     *
     * @param selector the selector's name, for the report
     * @param picked the preference (1..2) of each instruction's pick, or NaN
     * @param resamples bootstrap draws
     * @param seed the bootstrap's seed
     * @return the win rate in percent, {@code 100 · (mean − 1)}, with its interval
     */
    public static Score score(String selector, double[] picked, int resamples, long seed) {
        double[] valid = Arrays.stream(picked).filter(v -> !Double.isNaN(v)).toArray();
        double rate = 100 * (Arrays.stream(valid).average().orElse(Double.NaN) - 1);
        SplittableRandom random = new SplittableRandom(seed);
        double[] boots = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i = 0; i < valid.length; i++) {
                sum += valid[random.nextInt(valid.length)];
            }
            boots[b] = 100 * (sum / valid.length - 1);
        }
        Arrays.sort(boots);
        return new Score(
                selector, rate, boots[(int) (0.025 * resamples)], boots[(int) (0.975 * resamples) - 1], valid.length);
    }

    /**
     * The oracle: the best pool member's preference per instruction.
     *
     * @param pool one preference array per member
     * @return the highest preference of any member, per instruction
     */
    public static double[] oracle(List<double[]> pool) {
        return reduce(pool, true);
    }

    /**
     * Random picks, in expectation: the mean preference of the pool members that have one, per instruction.
     *
     * @param pool one preference array per member
     * @return the mean preference per instruction (NaN where no member has one)
     */
    public static double[] randomExpectation(List<double[]> pool) {
        return reduce(pool, false);
    }

    /**
     * The preference of the member {@code choice[i]} picks on instruction i (NaN if it has none).
     *
     * @param pool one preference array per member
     * @param choice the member picked on each instruction
     * @return the picked member's preference per instruction
     */
    public static double[] picks(List<double[]> pool, int[] choice) {
        double[] out = new double[choice.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = choice[i] < 0 ? Double.NaN : pool.get(choice[i])[i];
        }
        return out;
    }

    /**
     * The fraction of the gap between the best single model and the oracle that a selector closes.
     *
     * @param selector the selector's win rate
     * @param bestSingle the best single member's win rate
     * @param oracle the oracle's win rate
     * @return {@code (selector − bestSingle) / (oracle − bestSingle)}, or NaN when the oracle equals the best
     *     single model
     */
    public static double oracleGapClosed(double selector, double bestSingle, double oracle) {
        return oracle == bestSingle ? Double.NaN : (selector - bestSingle) / (oracle - bestSingle);
    }

    private static double[] reduce(List<double[]> pool, boolean max) {
        int n = pool.get(0).length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int count = 0;
            for (double[] p : pool) {
                if (!Double.isNaN(p[i])) {
                    best = Math.max(best, p[i]);
                    sum += p[i];
                    count++;
                }
            }
            out[i] = count == 0 ? Double.NaN : max ? best : sum / count;
        }
        return out;
    }

    /** Named default pools of AlpacaEval-1 models: weak, mixed and strong. */
    public static final Map<String, List<String>> POOLS = Map.of(
            "weak", List.of("alpaca-7b", "falcon-40b-instruct", "vicuna-13b", "oasst-rlhf-llama-33b"),
            "mixed", List.of("gpt-3.5-turbo-0301", "vicuna-13b", "alpaca-7b", "claude", "llama-2-13b-chat-hf"),
            "strong", List.of("gpt4", "claude-2", "tulu-2-dpo-70b", "Yi-34B-Chat", "llama-2-70b-chat-hf"));
}
