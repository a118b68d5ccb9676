package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the fixture folder ({@code -Dpairrm.fixtures=<folder>}, default the project's copy of
 * pairrm-tiny) against the reference implementation's outputs.
 *
 * <p>Tolerances: hidden states 1e-5, head scores and logits 5e-6 (absolute). The fixture's README measured
 * float32 noise of 2.4e-6 on hidden states and 3.6e-7 on logits between BLAS libraries; real bugs (a missing
 * position term, linear buckets, a wrong LayerNorm eps) move them by 3e-5 to 1.
 */
class PairRmParityTest {
    static final double HIDDEN_TOLERANCE = 1e-5;
    static final double SCORE_TOLERANCE = 5e-6;

    private static final Map<Path, PairRm> MODELS = new HashMap<>();

    @AfterAll
    static void closeModels() {
        MODELS.values().forEach(PairRm::close);
        MODELS.clear();
    }

    @TestFactory
    Stream<DynamicTest> every_fixture_case_matches_the_reference_forward_pass() {
        PairRmFixture fixture = PairRmFixture.load();
        List<JsonNode> cases = fixture.cases();
        assertThat(cases).isNotEmpty();
        return cases.stream().map(c -> dynamicTest(c.get("name").asText(), () -> check(fixture, c)));
    }

    /**
     * The same float32 cases with the weights read from {@code pytorch_model.bin} through the restricted
     * unpickler instead of the safetensors file: the two files hold the same state dict, so the same tolerances.
     */
    @TestFactory
    Stream<DynamicTest> float32_cases_match_with_the_pytorch_zip_weights_too() {
        PairRmFixture fixture = PairRmFixture.load();
        Path bin = fixture.folder().resolve("pytorch_model.bin");
        Assumptions.assumeTrue(
                Files.isRegularFile(bin),
                () -> fixture.folder() + " has no pytorch_model.bin;"
                        + " add the torch.save(state_dict) of the same weights to check the PyTorch reader");
        return fixture.cases().stream()
                .filter(c -> fixture.weightsOf(c).getFileName().toString().equals("model.safetensors"))
                .map(c -> dynamicTest(c.get("name").asText() + " (pytorch_model.bin)", () -> check(fixture, c, bin)));
    }

    private static void check(PairRmFixture fixture, JsonNode c) {
        check(fixture, c, fixture.weightsOf(c));
    }

    private static void check(PairRmFixture fixture, JsonNode c, Path weights) {
        // given the model loaded from the weight file
        PairRm model = MODELS.computeIfAbsent(
                weights, w -> PairRm.load(fixture.folder().resolve("config.json"), w));

        // when
        PairRmOutput out = model.forward(
                PairRmFixture.longs2(c.get("input_ids")), PairRmFixture.longs2(c.get("attention_mask")), true);

        // then the trimming and the prefix positions are the reference's
        assertThat(out.encoderLength()).isEqualTo(c.get("encoder_input_length").asInt());
        assertThat(out.keptColumns())
                .as("kept_columns")
                .hasSize(c.get("kept_columns").asInt());
        assertThat(out.sourcePositions()).as("source_positions").containsExactly(ints(c.get("source_positions")));
        assertThat(out.cand1Positions()).as("cand1_positions").containsExactly(ints(c.get("cand1_positions")));
        assertThat(out.cand2Positions()).as("cand2_positions").containsExactly(ints(c.get("cand2_positions")));
        int rows = c.get("input_ids").size();
        // and every number is within float32 noise of it
        double hidden = maxAbsDiff(out.lastHiddenState(), PairRmFixture.floats(c.get("last_hidden_state")));
        double left = maxAbsDiff(out.leftScores(), PairRmFixture.floats(c.get("left_scores")));
        double right = maxAbsDiff(out.rightScores(), PairRmFixture.floats(c.get("right_scores")));
        double logits = maxAbsDiff(out.logits(), PairRmFixture.floats(c.get("logits")));
        System.out.printf(
                "parity %-28s %-24s rows %d len %4d | hidden %.2e  left %.2e  right %.2e  logits %.2e%n",
                c.get("name").asText(), weights.getFileName(), rows, out.encoderLength(), hidden, left, right, logits);
        assertThat(hidden).as("max |Δ| last_hidden_state").isLessThanOrEqualTo(HIDDEN_TOLERANCE);
        assertThat(left).as("max |Δ| left_scores").isLessThanOrEqualTo(SCORE_TOLERANCE);
        assertThat(right).as("max |Δ| right_scores").isLessThanOrEqualTo(SCORE_TOLERANCE);
        assertThat(logits).as("max |Δ| logits").isLessThanOrEqualTo(SCORE_TOLERANCE);
    }

    static double maxAbsDiff(float[] actual, float[] expected) {
        assertThat(actual).as("number of values").hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
