package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.llmblender.ranker.Batching;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.runtime.kernel.Precision;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * DeBERTa's {@code pos_att_type} may name both position terms, one, or none; the attention's bias then has two, one
 * or no terms. For each, on a small random model: two rows of different lengths scored in a padded batch, packed,
 * and in the smallest attention blocks must each give what the row gives alone, which is what padding, packing and
 * blocking promise (and a model without position terms got no bias at all to its attention).
 */
class PositionTermsTest {
    private static final int VOCAB = 300;

    @TestFactory
    Stream<DynamicTest> every_combination_of_position_terms_scores_rows_as_they_score_alone() {
        return Stream.of(Set.of("c2p", "p2c"), Set.of("c2p"), Set.of("p2c"), Set.<String>of())
                .map(terms -> dynamicTest("pos_att_type " + terms, () -> check(terms)));
    }

    private static void check(Set<String> terms) {
        DebertaV2Config config = new DebertaV2Config(VOCAB, 32, 2, 4, 8, 64, 1e-7f, 512, 64, 16, terms, true, true);
        PairRmConfig ids = PairRmConfig.forVocabulary(VOCAB);
        long[] shorter = row(ids, 19, 1);
        long[] longer = row(ids, 41, 2);
        for (long block : new long[] {PairRmOptions.DEFAULT.attentionBlock(), 64}) {
            PairRmOptions options =
                    PairRmOptions.DEFAULT.withPrecision(Precision.FP32).withAttentionBlock(block);
            try (PairRm model = PairRm.synthetic(config, ids, 11L, options)) {
                float alone1 = model.logits(new long[][] {shorter}, ones(1, shorter.length))[0];
                float alone2 = model.logits(new long[][] {longer}, ones(1, longer.length))[0];
                // padded: the shorter row right-padded with 0 to the longer one's length
                long[][] padded = {java.util.Arrays.copyOf(shorter, longer.length), longer};
                long[][] mask = ones(2, longer.length);
                java.util.Arrays.fill(mask[0], shorter.length, longer.length, 0);
                float[] batch = model.logits(padded, mask);
                float[] packed = model.logits(List.of(shorter, longer), Batching.DEFAULT, PairRm.Progress.NONE);

                assertThat(batch[0]).as("padded row 1, block %d", block).isCloseTo(alone1, within(1e-5f));
                assertThat(batch[1]).as("padded row 2, block %d", block).isCloseTo(alone2, within(1e-5f));
                assertThat(packed[0]).as("packed row 1, block %d", block).isCloseTo(alone1, within(1e-5f));
                assertThat(packed[1]).as("packed row 2, block %d", block).isCloseTo(alone2, within(1e-5f));
                assertThat(Float.isFinite(alone1) && Float.isFinite(alone2)).isTrue();
            }
        }
    }

    /** A pair row of {@code n} random ids: [CLS] <source> … [CLS] <candidate1> … [CLS] <candidate2> … [SEP]. */
    private static long[] row(PairRmConfig ids, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] row = new long[n];
        for (int i = 0; i < n; i++) {
            row[i] = 4 + random.nextInt(ids.sourcePrefixId() - 5);
        }
        int third = n / 3;
        row[0] = 1;
        row[1] = ids.sourcePrefixId();
        row[third] = 1;
        row[third + 1] = ids.cand1PrefixId();
        row[2 * third] = 1;
        row[2 * third + 1] = ids.cand2PrefixId();
        row[n - 1] = 2;
        return row;
    }

    private static long[][] ones(int rows, int n) {
        long[][] mask = new long[rows][n];
        for (long[] r : mask) {
            java.util.Arrays.fill(r, 1);
        }
        return mask;
    }
}
