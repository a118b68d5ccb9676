package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.eval.metric.EnsembleGain;
import io.llmblender.eval.metric.SelectorRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnsembleGainTest {
    @Test
    void single_model_win_rates_reproduce_the_leaderboard_for_every_model_of_both_judges() {
        DataDirectory data = Data.require("alpaca_eval/preferences_alpaca_eval_gpt4.csv");
        for (AlpacaEval.Judge judge : AlpacaEval.Judge.values()) {
            AlpacaEval ae = AlpacaEval.load(data, judge);
            assertThat(ae.models()).hasSize(28);
            for (String model : ae.models()) {
                double measured =
                        EnsembleGain.score(model, ae.preferences(model), 10, 1).winRate();
                assertThat(measured).as("%s %s", judge, model).isCloseTo(ae.leaderboardWinRate(model), within(1e-6));
            }
        }
    }

    @Test
    void oracle_tops_every_single_model_and_random_lies_between_them() {
        AlpacaEval ae =
                AlpacaEval.load(Data.require("alpaca_eval/preferences_alpaca_eval_gpt4.csv"), AlpacaEval.Judge.AE1);
        List<String> pool = EnsembleGain.POOLS.get("mixed");
        SelectorRun.Result r = SelectorRun.run(ae, pool, Map.of(), 0, 7L, (d, t) -> {});
        Map<String, Double> rate = new java.util.HashMap<>();
        r.scores().forEach(s -> rate.put(s.selector(), s.winRate()));
        double best = pool.stream().mapToDouble(rate::get).max().orElseThrow();
        double worst = pool.stream().mapToDouble(rate::get).min().orElseThrow();
        assertThat(rate.get("oracle")).isGreaterThan(best);
        assertThat(rate.get("random (expected)")).isBetween(worst, best);
        assertThat(r.bestSingle())
                .isEqualTo(pool.stream()
                        .max(java.util.Comparator.comparing(rate::get))
                        .orElseThrow());
        EnsembleGain.Score oracle = r.scores().get(0);
        assertThat(oracle.low()).isLessThan(oracle.winRate());
        assertThat(oracle.high()).isGreaterThan(oracle.winRate());
        assertThat(r.instructions()).isEqualTo(805);
    }

    @Test
    void a_ranker_selector_is_scored_and_timed() {
        AlpacaEval ae =
                AlpacaEval.load(Data.require("alpaca_eval/preferences_alpaca_eval_gpt4.csv"), AlpacaEval.Judge.AE1);
        // a ranker that prefers the first candidate: on this pool it must score exactly as "always the first model"
        List<String> pool = List.of("alpaca-7b", "gpt4");
        SelectorRun.Result r = SelectorRun.run(
                ae,
                pool,
                Map.<String, io.llmblender.ranker.Ranker>of(
                        "first",
                        item -> io.llmblender.ranker.Ranking.of(
                                item.candidates(), firstBest(item.size()), new float[0][])),
                40,
                7L,
                (d, t) -> {});
        double first = r.scores().stream()
                .filter(s -> s.selector().equals("first"))
                .findFirst()
                .orElseThrow()
                .winRate();
        double alpaca = r.scores().stream()
                .filter(s -> s.selector().equals("alpaca-7b"))
                .findFirst()
                .orElseThrow()
                .winRate();
        assertThat(first).isCloseTo(alpaca, within(1e-9));
        assertThat(r.rankerSeconds()).containsKey("first");
    }

    static float[] firstBest(int n) {
        float[] s = new float[n];
        s[0] = 1;
        return s;
    }
}
