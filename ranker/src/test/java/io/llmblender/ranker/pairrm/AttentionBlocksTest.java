package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.runtime.kernel.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The attention in blocks computes what the whole attention does: every parity case ({@code -Dpairrm.fixtures})
 * against the reference with the parity tolerances, with a block of 64 elements, which cuts every head of every
 * row of the fixture into blocks of 16 query rows (the smallest block), and with one of 4,096, which, depending on
 * the row's length (18 to 599 tokens in {@code pairrm-tiny}, 4 heads), runs all its heads in one block, two at a
 * time, one at a time, or one head's queries in blocks.
 */
class AttentionBlocksTest {
    @TestFactory
    Stream<DynamicTest> small_query_blocks_give_the_reference_outputs() {
        PairRmFixture fixture = PairRmFixture.load();
        List<DynamicTest> tests = new ArrayList<>();
        for (long block : new long[] {64, 4096}) {
            for (JsonNode c : fixture.cases()) {
                PairRmOptions blocked =
                        PairRmOptions.DEFAULT.withPrecision(Precision.FP32).withAttentionBlock(block);
                tests.add(dynamicTest(c.get("name").asText() + ", blocks of " + block, () -> {
                    Path weights = fixture.weightsOf(c);
                    try (PairRm model = PairRm.load(fixture.folder().resolve("config.json"), weights, blocked)) {
                        PairRmOutput out = model.forward(
                                PairRmFixture.longs2(c.get("input_ids")),
                                PairRmFixture.longs2(c.get("attention_mask")),
                                true);
                        assertThat(maxAbsDiff(out.lastHiddenState(), PairRmFixture.floats(c.get("last_hidden_state"))))
                                .isLessThan(PairRmParityTest.HIDDEN_TOLERANCE);
                        assertThat(maxAbsDiff(out.logits(), PairRmFixture.floats(c.get("logits"))))
                                .isLessThan(PairRmParityTest.SCORE_TOLERANCE);
                    }
                }));
            }
        }
        return tests.stream();
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
