package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.eval.data.Benchmarks;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.eval.metric.Agreement;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementTest {
    @Test
    void the_harness_reproduces_auto_j_13b_published_agreement_and_consistency() {
        DataDirectory data = Data.require("autoj_pairwise/testdata_pairwise.jsonl");
        List<PairwiseItem> items = Benchmarks.autoJ(data);
        int[][] recorded = Benchmarks.autoJRecordedVerdicts(data);
        Agreement.Result r = Agreement.bothOrders(items, recorded[0], recorded[1]);
        assertThat(items).hasSize(1392);
        assertThat(String.format("%.2f", r.agreement())).isEqualTo("54.96");
        assertThat(String.format("%.2f", r.consistency())).isEqualTo("83.41");
        assertThat(r.agreementByGroup()).containsOnlyKeys(Benchmarks.AUTOJ_COLUMNS.keySet());
    }

    @Test
    void agreement_of_a_synthetic_judge_with_known_answers_is_exact() {
        List<PairwiseItem> items = List.of(
                new PairwiseItem("1", "g1", "p", "a", "b", PairwiseItem.FIRST),
                new PairwiseItem("2", "g1", "p", "a", "b", PairwiseItem.SECOND),
                new PairwiseItem("3", "g2", "p", "a", "b", PairwiseItem.TIE),
                new PairwiseItem("4", "g2", "p", "a", "b", PairwiseItem.FIRST));
        // original order verdicts, and swapped-order verdicts (0 = b shown first)
        int[] original = {0, 1, 2, 0};
        int[] swapped = {1, 0, 2, 0}; // item 4 flips with the order: inconsistent
        Agreement.Result r = Agreement.bothOrders(items, original, swapped);
        assertThat(r.agreement()).isEqualTo(75.0);
        assertThat(r.consistency()).isEqualTo(75.0);
        assertThat(r.agreementByGroup()).containsEntry("g1", 100.0).containsEntry("g2", 50.0);
        // a scalar judge: differences 0.3, -0.5, 0.05, 0.9 -> the best threshold makes item 3 a tie
        Agreement.Result s =
                Agreement.scalarThreshold(items, new double[] {1.3, 0.0, 1.05, 1.9}, new double[] {1.0, 0.5, 1.0, 1.0});
        assertThat(s.agreement()).isEqualTo(100.0);
        assertThat(s.threshold()).isCloseTo(0.06, within(1e-9));
    }

    @Test
    void hhh_loads_every_subset_and_a_perfect_judge_scores_100() {
        DataDirectory data = Data.require("hhh_alignment/hhh_alignment_pairs.jsonl");
        List<PairwiseItem> items = Benchmarks.hhh(data);
        assertThat(items).hasSize(221);
        assertThat(items.stream().filter(i -> i.group().equals("harmless")).count())
                .isEqualTo(58);
        assertThat(items.stream().filter(i -> i.group().equals("helpful")).count())
                .isEqualTo(59);
        assertThat(items.stream().filter(i -> i.group().equals("honest")).count())
                .isEqualTo(61);
        assertThat(items.stream().filter(i -> i.group().equals("other")).count())
                .isEqualTo(43);
        int[] perfect = new int[items.size()];
        assertThat(Agreement.onePass(items, perfect).agreement()).isEqualTo(100.0);
    }

    @Test
    void hh_rlhf_and_mt_bench_load() {
        DataDirectory data = Data.require("hh_rlhf_harmless_base_test/test.jsonl");
        List<PairwiseItem> hh = Benchmarks.hhRlhf(data);
        assertThat(hh).hasSize(2312);
        assertThat(hh.get(0).prompt()).startsWith("Human: what are some pranks with a pen i can do?");
        assertThat(hh.get(0).a()).isNotEqualTo(hh.get(0).b());
        DataDirectory mt = Data.require("mt_bench/question.jsonl");
        assertThat(Benchmarks.mtBenchQuestions(mt)).hasSize(80).containsKey(81);
        assertThat(Benchmarks.mtBenchAnswers(mt, "gpt-4").get(81)).hasSize(2);
    }
}
