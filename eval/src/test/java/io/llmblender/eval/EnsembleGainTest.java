package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.eval.metric.EnsembleGain;
import io.llmblender.eval.metric.SelectorRun;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ensemble gains on the bundled AlpacaEval preferences. The expected win rates are AlpacaEval's own definition,
 * 100 · mean(preference − 1) with NaN dropped, computed here from the preferences, or the leaderboard's numbers
 * ({@code selected_models.csv}).
 */
class EnsembleGainTest {
    @Test
    void single_model_win_rates_reproduce_the_leaderboard_for_every_model_of_both_judges() {
        int checked = 0;
        for (AlpacaEval.Judge judge : AlpacaEval.Judge.values()) {
            AlpacaEval ae = AlpacaEval.load(Data.bundled(), judge);
            assertThat(ae.models()).hasSize(28);
            for (String model : ae.models()) {
                double measured =
                        EnsembleGain.score(model, ae.preferences(model), 10, 1).winRate();
                assertThat(measured).as("%s %s", judge, model).isCloseTo(ae.leaderboardWinRate(model), within(1e-6));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(56); // shared/data/alpaca_eval/README.md: all 56 model/judge combinations
    }

    @Test
    void every_selector_scores_the_preference_of_its_picks(@TempDir Path tmp) {
        // given the "mixed" pool, with synthetic outputs whose lengths differ per instruction in a known way
        List<String> pool = EnsembleGain.POOLS.get("mixed");
        DataDirectory data = Data.alpacaWithOutputs(tmp, pool, (m, i) -> "a".repeat(length(pool.indexOf(m), i)));
        AlpacaEval ae = AlpacaEval.load(data, AlpacaEval.Judge.AE1);
        // when
        SelectorRun.Result r = SelectorRun.run(ae, pool, Map.of(), 0, 7L, (d, t) -> {});
        // then
        Map<String, Double> rate = new HashMap<>();
        r.scores().forEach(s -> rate.put(s.selector(), s.winRate()));
        assertThat(r.instructions()).isEqualTo(805);
        double[][] p = pool.stream().map(ae::preferences).toArray(double[][]::new);
        for (String model : pool) {
            assertThat(rate.get(model)).as(model).isCloseTo(ae.leaderboardWinRate(model), within(1e-6));
        }
        assertThat(r.bestSingle())
                .isEqualTo(pool.stream()
                        .max(Comparator.comparingDouble(ae::leaderboardWinRate))
                        .orElseThrow());
        assertThat(rate.get("oracle")).isCloseTo(winRate(perInstruction(p, true)), within(1e-9));
        assertThat(rate.get("random (expected)")).isCloseTo(winRate(perInstruction(p, false)), within(1e-9));
        assertThat(rate.get("longest")).isCloseTo(winRate(byLength(p, true)), within(1e-9));
        assertThat(rate.get("shortest")).isCloseTo(winRate(byLength(p, false)), within(1e-9));
        EnsembleGain.Score oracle = r.scores().get(0);
        assertThat(oracle.selector()).isEqualTo("oracle");
        assertThat(oracle.low()).isLessThan(oracle.winRate());
        assertThat(oracle.high()).isGreaterThan(oracle.winRate());
    }

    @Test
    void a_ranker_selector_is_scored_and_timed(@TempDir Path tmp) {
        List<String> pool = List.of("alpaca-7b", "gpt4");
        DataDirectory data = Data.alpacaWithOutputs(tmp, pool, (m, i) -> m + " answers instruction " + i);
        AlpacaEval ae = AlpacaEval.load(data, AlpacaEval.Judge.AE1);
        // a ranker that prefers the first candidate: with both outputs present it always picks alpaca-7b
        Ranker first = item -> Ranking.of(item.candidates(), firstBest(item.size()), new float[0][]);
        SelectorRun.Result r = SelectorRun.run(ae, pool, Map.of("first", first), 40, 7L, (d, t) -> {});
        double expected = winRate(Arrays.copyOf(ae.preferences("alpaca-7b"), 40));
        assertThat(score(r, "first")).isCloseTo(expected, within(1e-9));
        assertThat(score(r, "alpaca-7b")).isCloseTo(expected, within(1e-9));
        assertThat(r.rankerSeconds()).containsKey("first");
    }

    /** Output length of pool member k on instruction i: distinct per instruction (≡ k + 1 mod 5), varying. */
    static int length(int k, int i) {
        return 1 + k + 5 * ((i * 31 + k * 17) % 20);
    }

    /** AlpacaEval's win rate: 100 · mean(preference − 1) over the instructions that have one. */
    static double winRate(double[] picked) {
        return 100
                * (Arrays.stream(picked).filter(v -> !Double.isNaN(v)).average().orElseThrow() - 1);
    }

    /** Per instruction, the best (oracle) or the mean (random, in expectation) of the members' preferences. */
    static double[] perInstruction(double[][] p, boolean best) {
        double[] out = new double[p[0].length];
        for (int i = 0; i < out.length; i++) {
            int at = i;
            double[] present = Arrays.stream(p)
                    .mapToDouble(m -> m[at])
                    .filter(v -> !Double.isNaN(v))
                    .toArray();
            out[i] = present.length == 0
                    ? Double.NaN
                    : best
                            ? Arrays.stream(present).max().orElseThrow()
                            : Arrays.stream(present).average().orElseThrow();
        }
        return out;
    }

    /** The preference of the member with the longest (or shortest) synthetic output on each instruction. */
    static double[] byLength(double[][] p, boolean longest) {
        double[] out = new double[p[0].length];
        for (int i = 0; i < out.length; i++) {
            int pick = 0;
            for (int k = 1; k < p.length; k++) {
                if (longest ? length(k, i) > length(pick, i) : length(k, i) < length(pick, i)) {
                    pick = k;
                }
            }
            out[i] = p[pick][i];
        }
        return out;
    }

    static double score(SelectorRun.Result r, String selector) {
        return r.scores().stream()
                .filter(s -> s.selector().equals(selector))
                .findFirst()
                .orElseThrow()
                .winRate();
    }

    static float[] firstBest(int n) {
        float[] s = new float[n];
        s[0] = 1;
        return s;
    }
}
