package io.llmblender.fuser.t5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.fuser.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The T5 encoder-decoder against Hugging Face's {@code T5ForConditionalGeneration} on a fixture folder
 * ({@code -Dt5.fixtures=<folder>}, default the project's copy of shared/fixtures/t5-tiny). Tolerance 2e-5 on
 * hidden states and logits (the fixture measured 5e-6 between float32 and float64), also against the float64
 * reference's last-position logits; greedy ids identical, with and without the key/value cache, and the special
 * ids the greedy cases were generated with are the config's. Not compared: {@code labels} (the decoder inputs
 * were made from them and are compared instead) and the generator's diagnostics ({@code tolerance_observed},
 * {@code min_top1_top2_margin}, {@code search_attempts}, the float64 run's own differences).
 */
class T5ParityTest {
    static final double TOLERANCE = 2e-5;
    static Path folder;
    static JsonNode cases;
    static T5Model model;

    @BeforeAll
    static void load() {
        folder = Fixtures.folder("t5.fixtures", "fixtures/t5-tiny");
        cases = Fixtures.cases(folder);
        model = T5Model.load(folder.resolve("config.json"), folder.resolve("model.safetensors"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @TestFactory
    Stream<DynamicTest> teacher_forced_cases_match_hidden_states_and_logits() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (!c.get("kind").asText().equals("teacher_forced")) {
                continue;
            }
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                T5Model.Output out = model.forward(
                        longs2(c.get("input_ids")),
                        longs2(c.get("attention_mask")),
                        longs2(c.get("decoder_input_ids")),
                        c.get("decoder_attention_mask").isNull() ? null : longs2(c.get("decoder_attention_mask")));
                double enc = maxDiff(out.encoderHidden(), floats(c.get("encoder_last_hidden_state")));
                double dec = maxDiff(out.decoderHidden(), floats(c.get("decoder_last_hidden_state")));
                double logits = maxDiff(out.logits(), floats(c.get("logits")));
                double float64 = maxDiff(
                        lastPositions(out.logits(), c.get("decoder_input_ids")),
                        floats(c.get("float64_reference").get("logits_last_position")));
                System.out.printf(
                        "t5 parity %-22s encoder %.2e decoder %.2e logits %.2e (float64 %.2e)%n",
                        c.get("name").asText(), enc, dec, logits, float64);
                assertThat(enc).as("encoder_last_hidden_state").isLessThanOrEqualTo(TOLERANCE);
                assertThat(dec).as("decoder_last_hidden_state").isLessThanOrEqualTo(TOLERANCE);
                assertThat(logits).as("logits").isLessThanOrEqualTo(TOLERANCE);
                assertThat(float64).as("last-position logits against float64").isLessThanOrEqualTo(TOLERANCE);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> greedy_cases_give_the_same_ids_with_and_without_the_cache() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (!c.get("kind").asText().equals("greedy")) {
                continue;
            }
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                T5Config config = model.config();
                assertThat(new int[] {config.decoderStartTokenId(), config.eosTokenId(), config.padTokenId()})
                        .as("decoder_start_token_id, eos_token_id, pad_token_id")
                        .containsExactly(
                                c.get("decoder_start_token_id").asInt(),
                                c.get("eos_token_id").asInt(),
                                c.get("pad_token_id").asInt());
                long[][] expected = longs2(c.get("output_ids"));
                for (boolean cache : new boolean[] {true, false}) {
                    GreedySearch.Generation g = new GreedySearch(
                                    model, c.get("max_new_tokens").asInt(), cache)
                            .search(longs2(c.get("input_ids")), longs2(c.get("attention_mask")));
                    assertThat(g.ids()).as("ids, cache %s", cache).isDeepEqualTo(expected);
                    for (int t = 0; t < g.stepLogits().size(); t++) {
                        JsonNode step = c.get("step_logits").get(t);
                        for (int r = 0; r < step.size(); r++) {
                            assertThat(maxDiff(g.stepLogits().get(t)[r], floats(step.get(r))))
                                    .as("step %d row %d, cache %s", t, r, cache)
                                    .isLessThanOrEqualTo(TOLERANCE);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** The logits {@code [batch][vocab]} of each row's last decoder position, from {@code [batch][t][vocab]}. */
    static float[] lastPositions(float[] logits, JsonNode decoderInputIds) {
        int batch = decoderInputIds.size();
        int t = decoderInputIds.get(0).size();
        int vocab = model.config().vocabSize();
        float[] last = new float[batch * vocab];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(logits, (r * t + t - 1) * vocab, last, r * vocab, vocab);
        }
        return last;
    }

    static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }

    static float[] floats(JsonNode n) {
        return Fixtures.floats(n);
    }

    static long[][] longs2(JsonNode n) {
        long[][] out = new long[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[n.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = n.get(i).get(j).asLong();
            }
        }
        return out;
    }
}
