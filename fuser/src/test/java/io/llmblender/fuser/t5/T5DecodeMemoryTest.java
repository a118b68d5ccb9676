package io.llmblender.fuser.t5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.runtime.ProcessMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over a whole beam-search decode (issue 12): the beams of one input share its
 * cross-attention keys and values, only the self-attention cache is reordered, and every step's intermediates
 * die with the step. The model is mid-size and random (d_model 512, 6+6 layers, 8 heads, d_ff 1024, vocab
 * 1000), not the tiny fixture, so that a leak of per-step copies shows as megabytes. Its EOS id lies outside
 * the vocabulary, so no hypothesis ever finishes and the search runs all its steps.
 *
 * <p>Bounds: after a warm-up of {@value #WARM_UP} steps the arrays the model holds (weights plus the decode's
 * cache) are exactly constant up to step {@value #LAST}, and the resident set grows by less than 1 MiB per step
 * on average over those 150 steps. The self-attention cache is preallocated for the whole decode, so it does
 * not grow at all (growing it by concatenation cost {@code rows · d_model · 4 B · 2 · layers} = 192 KiB per step
 * plus as much again in the allocator's holes between ever larger arrays: measured 0.47–0.51 MiB per step, against
 * 0.09–0.21 MiB with the preallocated cache); the old code kept every step's copy of the cross-attention keys and
 * values (measured: 25 arrays and 17 MiB per step at these shapes). RSS also counts heap pages the first time they
 * are touched, so the
 * fuser's test JVM runs with a small young generation ({@code -Xmn32m} in its pom), as the ranker's does.
 */
class T5DecodeMemoryTest {
    static final int STEPS = 200;
    static final int WARM_UP = 50;
    static final int LAST = 200;
    static final long ALLOWED_GROWTH_PER_STEP = 1L << 20;
    static final int INPUTS = 2;
    static final int BEAMS = 4;
    static final int INPUT_TOKENS = 64;

    static T5Config config;
    static T5Model model;

    @BeforeAll
    static void build() {
        int vocab = 1000;
        // eos_token_id = vocab: no logit can choose it, so no beam ever finishes early
        config = new T5Config(vocab, 512, 64, 1024, 6, 6, 8, 32, 128, 1e-6f, true, false, 0, vocab, 0);
        model = T5Model.synthetic(config, 20240611L);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static long[][] inputs() {
        SplittableRandom random = new SplittableRandom(5);
        long[][] ids = new long[INPUTS][INPUT_TOKENS];
        for (long[] row : ids) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 2 + random.nextInt(config.vocabSize() - 2);
            }
        }
        return ids;
    }

    /** All ones but for the second input's last 9 tokens: each input's beams must use that input's mask. */
    static long[][] mask() {
        long[][] mask = new long[INPUTS][INPUT_TOKENS];
        for (long[] row : mask) {
            Arrays.fill(row, 1L);
        }
        Arrays.fill(mask[1], INPUT_TOKENS - 9, INPUT_TOKENS, 0L);
        return mask;
    }

    @Test
    void a_200_step_beam_search_holds_a_constant_number_of_arrays_and_flat_resident_memory() {
        int weights = model.managedArrays();
        List<Integer> arrays = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        // given a search that cannot stop before its last step
        BeamSearch search = new BeamSearch(model, new BeamSearch.Options(BEAMS, 1, 1.0, false, STEPS));
        // when it decodes, recording after every step what the model holds and the process's resident set
        List<List<BeamSearch.Sequence>> out = search.search(inputs(), mask(), (step, max) -> {
            arrays.add(model.managedArrays());
            rss.add(ProcessMemory.residentBytes());
        });
        long growth = rss.get(LAST - 1) - rss.get(WARM_UP - 1);
        double perStep = growth / (double) (LAST - WARM_UP);
        System.out.printf(
                "t5 decode memory: arrays %d at step %d, %d at step %d (weights %d); RSS %.1f MiB at step %d, %.1f MiB"
                        + " at step %d: %.3f MiB/step%n",
                arrays.get(WARM_UP - 1),
                WARM_UP,
                arrays.get(LAST - 1),
                LAST,
                weights,
                rss.get(WARM_UP - 1) / 1048576.0,
                WARM_UP,
                rss.get(LAST - 1) / 1048576.0,
                LAST,
                perStep / 1048576.0);
        // then it ran every step
        assertThat(arrays).hasSize(STEPS);
        assertThat(out.get(0).get(0).ids()).hasSize(STEPS + 1);
        // the decode holds its cache only: per decoder block self and cross keys and values, and one mask bias
        assertThat(arrays.get(WARM_UP - 1) - weights)
                .as("arrays of the decode after step %d", WARM_UP)
                .isEqualTo(4 * config.numDecoderLayers() + 1);
        assertThat(arrays.subList(WARM_UP - 1, LAST))
                .as("arrays held from step %d to step %d", WARM_UP, LAST)
                .containsOnly(arrays.get(WARM_UP - 1));
        assertThat(rss.get(0)).as("RSS is readable from /proc").isPositive();
        assertThat(perStep).as("RSS growth per step after warm-up, bytes").isLessThan(ALLOWED_GROWTH_PER_STEP);
        // and once the decode is closed, nothing of it is left
        assertThat(model.managedArrays()).isEqualTo(weights);
    }

    @Test
    void a_decoder_that_fails_while_encoding_frees_what_it_allocated() {
        int weights = model.managedArrays();
        // given a mask one token shorter than the ids, which the encoder's bias cannot broadcast
        long[][] ids = inputs();
        long[][] mask = new long[INPUTS][INPUT_TOKENS - 1];
        // when the decoder is built, then it throws, and its scope is closed
        assertThatThrownBy(() -> model.decoder(ids, mask, BEAMS, STEPS + 1)).isInstanceOf(RuntimeException.class);
        assertThat(model.managedArrays()).isEqualTo(weights);
    }

    @Test
    void a_beam_cannot_continue_a_beam_of_another_input() {
        try (T5Model.Decoder decoder = model.decoder(inputs(), mask(), BEAMS, STEPS + 1)) {
            decoder.step(new long[INPUTS * BEAMS]);
            int[] sources = {0, 1, 2, 3, 4, 5, 6, 7};
            sources[5] = 2; // row 5 is input 1's; row 2 is input 0's, whose encoder keys differ
            assertThatThrownBy(() -> decoder.reorder(sources))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 5 would continue row 2")
                    .hasMessageContaining("rows 4 … 7");
        }
    }

    @Test
    void a_decode_longer_than_its_cache_grows_the_cache_and_keeps_every_step_equal_to_the_uncached_pass() {
        int steps = 12;
        long[][] ids = inputs();
        long[][] mask = mask();
        // given a fixed decoder sequence per input, starting with the decoder start token
        SplittableRandom random = new SplittableRandom(11);
        long[][] target = new long[INPUTS][steps];
        for (long[] row : target) {
            row[0] = config.decoderStartTokenId();
            for (int t = 1; t < steps; t++) {
                row[t] = 2 + random.nextInt(config.vocabSize() - 2);
            }
        }
        long[][] targetMask = new long[INPUTS][steps];
        for (long[] row : targetMask) {
            Arrays.fill(row, 1L);
        }
        // the independent computation: one teacher-forced pass over the whole sequence, no cache at all
        float[] full = model.forward(ids, mask, target, targetMask).logits();
        int vocab = config.vocabSize();
        int weights = model.managedArrays();
        // when a decoder with room for 2 tokens is fed them one at a time (its cache doubles to 4, 8, 16)
        try (T5Model.Decoder decoder = model.decoder(ids, mask, 1, 2)) {
            for (int t = 0; t < steps; t++) {
                long[] tokens = {target[0][t], target[1][t]};
                float[][] logits = decoder.step(tokens);
                // then every step's logits are the full pass's at that position
                for (int r = 0; r < INPUTS; r++) {
                    float[] expected = Arrays.copyOfRange(full, (r * steps + t) * vocab, (r * steps + t + 1) * vocab);
                    for (int v = 0; v < vocab; v++) {
                        assertThat(logits[r][v])
                                .as("input %d, step %d, logit %d", r, t, v)
                                .isCloseTo(expected[v], within(2e-4f));
                    }
                }
            }
            // and the grown cache still holds one array per block and kind, the old ones freed
            assertThat(model.managedArrays() - weights).isEqualTo(4 * config.numDecoderLayers() + 1);
        }
        assertThat(model.managedArrays()).isEqualTo(weights);
    }
}
