package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.ranker.Batching;
import io.llmblender.runtime.kernel.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Rows of different lengths scored in one pass run packed along the token axis, each attending within itself,
 * with no padding computed. Checked on every parity case ({@code -Dpairrm.fixtures}) whose rows are right-padded
 * to different lengths: the rows, stripped of their padding, are scored in one packed pass, with the default and
 * with the smallest attention blocks, and must give the reference's logits (computed padded, by the Python
 * model) within the parity tolerance; the pass must count exactly the rows' real tokens.
 */
class PackedRowsTest {
    @TestFactory
    Stream<DynamicTest> packed_rows_give_the_reference_logits_and_compute_no_padding() {
        PairRmFixture fixture = PairRmFixture.load();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : fixture.cases()) {
            long[][] ids = PairRmFixture.longs2(c.get("input_ids"));
            long[][] mask = PairRmFixture.longs2(c.get("attention_mask"));
            List<long[]> rows = unpadded(ids, mask);
            if (rows == null || rows.stream().mapToInt(r -> r.length).distinct().count() < 2) {
                continue; // one row, equal lengths or a mask with holes: nothing to pack, or not as rows alone
            }
            for (long block : new long[] {PairRmOptions.DEFAULT.attentionBlock(), 64}) {
                tests.add(dynamicTest(c.get("name").asText() + " block " + block, () -> {
                    Path weights = fixture.weightsOf(c);
                    PairRmOptions options =
                            PairRmOptions.DEFAULT.withPrecision(Precision.FP32).withAttentionBlock(block);
                    try (PairRm model = PairRm.load(fixture.folder().resolve("config.json"), weights, options)) {
                        PairRm.Usage before = model.usage();
                        float[] logits = model.logits(rows, Batching.DEFAULT, PairRm.Progress.NONE);
                        PairRm.Usage used = model.usage().minus(before);
                        assertThat(AttentionBlocksTest.maxAbsDiff(logits, PairRmFixture.floats(c.get("logits"))))
                                .isLessThan(PairRmParityTest.SCORE_TOLERANCE);
                        // identical rows are scored once
                        Map<String, Integer> distinct = new HashMap<>();
                        for (long[] r : rows) {
                            distinct.put(Arrays.toString(r), r.length);
                        }
                        assertThat(used.passes()).isEqualTo(1);
                        assertThat(used.rows()).isEqualTo(distinct.size());
                        assertThat(used.paddedTokens())
                                .as("tokens computed")
                                .isEqualTo(distinct.values().stream()
                                        .mapToLong(Integer::longValue)
                                        .sum());
                    }
                }));
            }
        }
        assertThat(tests).as("parity cases with rows of different lengths").isNotEmpty();
        return tests.stream();
    }

    /** Each row's tokens before its padding, or null if some row's mask is not ones followed by zeros. */
    static List<long[]> unpadded(long[][] ids, long[][] mask) {
        List<long[]> rows = new ArrayList<>();
        for (int r = 0; r < ids.length; r++) {
            int n = 0;
            while (n < mask[r].length && mask[r][n] == 1) {
                n++;
            }
            for (int p = n; p < mask[r].length; p++) {
                if (mask[r][p] != 0) {
                    return null;
                }
            }
            rows.add(Arrays.copyOf(ids[r], n));
        }
        return rows;
    }
}
