package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.pairrm.PairEncoder.BudgetRule;
import io.llmblender.ranker.pairrm.PairEncoder.Limits;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmFixture;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.ranker.select.BubbleSelection;
import io.llmblender.runtime.kernel.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PairRM in bf16 against fp32 and against the reference, on every case of the parity folder
 * ({@code -Dpairrm.fixtures}) and of the end-to-end folder ({@code -Dpairrm.e2e}).
 *
 * <p>Logits: bf16 keeps 8 bits of mantissa in every matmul operand, so logits move by a few 1e-3 on these models;
 * the stated bound is {@link #LOGIT_TOLERANCE} against fp32 and against the reference. Decisions: a decision whose
 * margin is a difference of m logits can move by at most m·ε, ε being the largest bf16 − fp32 logit difference the
 * case itself measured; every decision whose fp32 margin exceeds that bound must be the same in bf16. The ones
 * within it (near-ties) are counted and reported, not asserted. Runs on any CPU: the tests grant bf16 through
 * emulation where the CPU has no bf16 units.
 */
class Bf16FidelityTest {
    /** Measured here up to 1.2e-2 on these models; the bound leaves room for other BLAS rounding. */
    static final double LOGIT_TOLERANCE = 0.03;

    static final PairRmOptions BF16 = PairRmOptions.DEFAULT.withPrecision(Precision.BF16);
    static final PairRmOptions FP32 = PairRmOptions.DEFAULT.withPrecision(Precision.FP32);

    static JsonNode e2e;
    static PairRanker fp32;
    static PairRanker bf16;

    @BeforeAll
    static void load() throws IOException {
        Path folder = PairRmFixture.folder("pairrm.e2e", "fixtures/pairrm-e2e");
        e2e = new ObjectMapper().readTree(folder.resolve("cases.json").toFile());
        fp32 = PairRanker.load(folder, PairRankerOptions.DEFAULT.withModel(FP32));
        bf16 = PairRanker.load(folder, PairRankerOptions.DEFAULT.withModel(BF16));
    }

    @AfterAll
    static void close() {
        fp32.close();
        bf16.close();
    }

    @TestFactory
    Stream<DynamicTest> parity_cases_in_bf16_stay_within_the_tolerance_of_fp32_and_the_reference() {
        PairRmFixture fixture = PairRmFixture.load();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : fixture.cases()) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                Path weights = fixture.weightsOf(c);
                Path config = fixture.folder().resolve("config.json");
                try (PairRm a = PairRm.load(config, weights, FP32);
                        PairRm b = PairRm.load(config, weights, BF16)) {
                    assertThat(b.precision()).isEqualTo(Precision.BF16);
                    long[][] ids = PairRmFixture.longs2(c.get("input_ids"));
                    long[][] mask = PairRmFixture.longs2(c.get("attention_mask"));
                    float[] l32 = a.logits(ids, mask);
                    float[] l16 = b.logits(ids, mask);
                    float[] ref = PairRmFixture.floats(c.get("logits"));
                    double vsFp32 = maxAbsDiff(l16, l32);
                    double vsRef = maxAbsDiff(l16, ref);
                    System.out.printf(
                            "bf16 %-28s rows %d  max|Δlogit| vs fp32 %.2e  vs reference %.2e%n",
                            c.get("name").asText(), ids.length, vsFp32, vsRef);
                    assertThat(vsFp32).isLessThan(LOGIT_TOLERANCE);
                    assertThat(vsRef).isLessThan(LOGIT_TOLERANCE);
                    assertThat(vsFp32)
                            .as("bf16 must really be a different path")
                            .isPositive();
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> e2e_rank_decisions_outside_the_bf16_error_are_unchanged() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : e2e.get("rank_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<Item> items = PairRankerE2eTest.items(c, "candidates");
                List<Ranking> r32 = configured(fp32, c).rank(items);
                List<Ranking> r16 = configured(bf16, c).rank(items);
                double eps = 0;
                for (int n = 0; n < items.size(); n++) {
                    eps = Math.max(
                            eps,
                            maxAbsDiff(
                                    flat(r16.get(n).matrix()), flat(r32.get(n).matrix())));
                }
                assertThat(eps).isLessThan(LOGIT_TOLERANCE);
                int checked = 0;
                int nearTies = 0;
                for (int n = 0; n < items.size(); n++) {
                    float[] s32 = r32.get(n).scores();
                    float[] s16 = r16.get(n).scores();
                    for (int a = 0; a < s32.length; a++) {
                        for (int b = a + 1; b < s32.length; b++) {
                            double margin = s32[a] - s32[b];
                            if (Math.abs(margin) > 2 * eps) { // a score is a mean of differences: |Δs| ≤ 2ε
                                assertThat(Math.signum((double) s16[a] - s16[b]))
                                        .isEqualTo(Math.signum(margin));
                                checked++;
                            } else {
                                nearTies++;
                            }
                        }
                    }
                }
                report(c, eps, checked, nearTies);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> e2e_compare_decisions_outside_the_bf16_error_are_unchanged() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : e2e.get("compare_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<Item> items = new ArrayList<>();
                for (int i = 0; i < c.get("inputs").size(); i++) {
                    items.add(new Item(
                            c.get("instructions").isNull()
                                    ? null
                                    : c.get("instructions").get(i).asText(),
                            c.get("inputs").get(i).asText(),
                            List.of(
                                    c.get("candidates_A").get(i).asText(),
                                    c.get("candidates_B").get(i).asText())));
                }
                double eps = 0;
                for (CompareMode one : List.of(CompareMode.A_B, CompareMode.B_A)) {
                    eps = Math.max(eps, maxAbsDiff(logits(bf16.compare(items, one)), logits(fp32.compare(items, one))));
                }
                assertThat(eps).isLessThan(LOGIT_TOLERANCE);
                int checked = 0;
                int nearTies = 0;
                for (CompareMode mode : CompareMode.values()) {
                    List<Comparison> a = fp32.compare(items, mode);
                    List<Comparison> b = bf16.compare(items, mode);
                    double bound = mode == CompareMode.BOTH ? 2 * eps : eps;
                    for (int i = 0; i < a.size(); i++) {
                        if (Math.abs(a.get(i).logit()) > bound) {
                            assertThat(b.get(i).result()).isEqualTo(a.get(i).result());
                            checked++;
                        } else {
                            nearTies++;
                        }
                    }
                }
                report(c, eps, checked, nearTies);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> e2e_bubble_and_reference_decisions_outside_the_bf16_error_are_unchanged() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : e2e.get("bubble_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<Item> items = PairRankerE2eTest.items(c, "candidates");
                int batch = c.get("batch_size").asInt();
                List<int[]> starts = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    starts.add(PairRankerE2eTest.ints(
                            c.get("start_permutation_per_batch").get(i / batch)));
                }
                List<BubbleSelection.Result> a = configured(fp32, c).bestOfN(items, starts);
                List<BubbleSelection.Result> b = configured(bf16, c).bestOfN(items, starts);
                double eps = 0;
                for (int n = 0; n < items.size(); n++) {
                    Ranking m32 = configured(fp32, c).rank(items.get(n));
                    Ranking m16 = configured(bf16, c).rank(items.get(n));
                    eps = Math.max(eps, maxAbsDiff(flat(m16.matrix()), flat(m32.matrix())));
                }
                int checked = 0;
                int nearTies = 0;
                for (int n = 0; n < items.size(); n++) {
                    // a winner is decided by every step on its way: all must be clear of the error (|Δs| ≤ 2ε)
                    final double bound = 2 * eps;
                    boolean clear = a.get(n).steps().stream().allMatch(st -> Math.abs(st.s()) > bound);
                    if (clear) {
                        assertThat(b.get(n).winner()).isEqualTo(a.get(n).winner());
                        checked++;
                    } else {
                        nearTies++;
                    }
                }
                report(c, eps, checked, nearTies);
            }));
        }
        for (JsonNode c : e2e.get("rank_with_ref_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<Item> items = PairRankerE2eTest.items(c, "candidates");
                List<Ranking> a = configured(fp32, c).rankWithReference(items, ReferenceMode.LONGEST);
                List<Ranking> b = configured(bf16, c).rankWithReference(items, ReferenceMode.LONGEST);
                double rewardError = 0;
                for (int n = 0; n < items.size(); n++) {
                    rewardError = Math.max(
                            rewardError, maxAbsDiff(b.get(n).scores(), a.get(n).scores()));
                }
                assertThat(rewardError).isLessThan(2 * LOGIT_TOLERANCE); // a reward is a difference of two logits
                int checked = 0;
                int nearTies = 0;
                for (int n = 0; n < items.size(); n++) {
                    float[] s32 = a.get(n).scores();
                    float[] s16 = b.get(n).scores();
                    for (int x = 0; x < s32.length; x++) {
                        for (int y = x + 1; y < s32.length; y++) {
                            double margin = s32[x] - s32[y];
                            if (Math.abs(margin) > 2 * rewardError) {
                                assertThat(Math.signum((double) s16[x] - s16[y]))
                                        .isEqualTo(Math.signum(margin));
                                checked++;
                            } else {
                                nearTies++;
                            }
                        }
                    }
                }
                report(c, rewardError / 2, checked, nearTies);
            }));
        }
        return tests.stream();
    }

    static PairRanker configured(PairRanker r, JsonNode c) {
        return r.withOptions(r.options()
                .withLimits(new Limits(
                        c.path("source_max_length").isNumber()
                                ? c.get("source_max_length").asInt()
                                : 1224,
                        c.path("candidate_max_length").isNumber()
                                ? c.get("candidate_max_length").asInt()
                                : 412))
                .withBudget(BudgetRule.BATCH, c.get("batch_size").asInt()));
    }

    static void report(JsonNode c, double eps, int checked, int nearTies) {
        System.out.printf(
                "bf16 %-28s max|Δlogit| vs fp32 %.2e  decisions kept %d  near-ties not asserted %d%n",
                c.get("name").asText(), eps, checked, nearTies);
    }

    static float[] logits(List<Comparison> results) {
        return PairRankerE2eTest.logits(results);
    }

    static float[] flat(float[][] m) {
        return PairRankerE2eTest.flatten(m);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
