package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairRmTest {
    static Path folder;
    static PairRm model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        folder = PairRmFixture.resource("fixtures/pairrm-tiny");
        model = PairRm.load(folder);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    // [CLS] <|source|> s [SEP] [CLS] <|candidate1|> a [SEP] [CLS] <|candidate2|> b [SEP]
    static long[] row(long s, long a, long b) {
        return new long[] {1, 1001, s, 2, 1, 1002, a, 2, 1, 1003, b, 2};
    }

    static long[] ones(int n) {
        long[] m = new long[n];
        java.util.Arrays.fill(m, 1);
        return m;
    }

    @Test
    void a_folder_loads_from_config_json_and_model_safetensors() {
        assertThat(model.source()).isEqualTo(folder.resolve("model.safetensors"));
        assertThat(model.config()).isEqualTo(new PairRmConfig(2, 1001, 1002, 1003, 1004));
        assertThat(model.encoderConfig().maxRelativePositions())
                .as("-1 means max_position_embeddings")
                .isEqualTo(512);
    }

    @Test
    void the_logit_is_the_mean_over_tasks_of_left_minus_right() {
        PairRmOutput out = model.forward(
                new long[][] {row(10, 20, 30), row(10, 30, 20)}, new long[][] {ones(12), ones(12)}, false);
        for (int r = 0; r < 2; r++) {
            float[] left = out.leftScores(r);
            float[] right = out.rightScores(r);
            assertThat(left).hasSize(2); // the fixture has n_tasks = 2
            double mean = ((left[0] - right[0]) + (left[1] - right[1])) / 2.0;
            assertThat((double) out.logits()[r]).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void padding_a_row_does_not_change_its_logit() {
        // given the same pair alone and padded to 16 beside a longer row
        float alone = model.logits(new long[][] {row(10, 20, 30)}, new long[][] {ones(12)})[0];
        long[] padded = java.util.Arrays.copyOf(row(10, 20, 30), 16);
        long[] paddedMask = java.util.Arrays.copyOf(ones(12), 16);
        long[] longer = {1, 1001, 5, 6, 7, 8, 9, 2, 1, 1002, 11, 2, 1, 1003, 12, 2};
        float[] batch = model.logits(new long[][] {padded, longer}, new long[][] {paddedMask, ones(16)});
        // then (float32 noise only)
        assertThat((double) batch[0]).isCloseTo(alone, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void a_row_without_a_prefix_gets_the_reference_message() {
        long[] noSource = row(10, 20, 30);
        noSource[1] = 7;
        assertThatThrownBy(() -> model.logits(new long[][] {noSource}, new long[][] {ones(12)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<source> id not in input_ids");
        long[] noCand2 = row(10, 20, 30);
        noCand2[9] = 7;
        assertThatThrownBy(() -> model.logits(new long[][] {noCand2}, new long[][] {ones(12)}))
                .hasMessageContaining("<candidate2> id not in input_ids");
    }

    @Test
    void a_prefix_twice_in_a_row_is_refused_rather_than_misaligned() {
        long[] twice = row(1002, 20, 30); // the source text itself holds <|candidate1|>
        assertThatThrownBy(() -> model.logits(new long[][] {twice}, new long[][] {ones(12)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<|candidate1|> more than once");
    }

    @Test
    void ids_outside_the_vocabulary_and_ragged_rows_are_refused() {
        assertThatThrownBy(() -> model.logits(new long[][] {row(5000, 20, 30)}, new long[][] {ones(12)}))
                .hasMessageContaining("token id 5000, outside the vocabulary of 1005");
        assertThatThrownBy(() ->
                        model.logits(new long[][] {row(1, 2, 3), new long[5]}, new long[][] {ones(12), ones(5)}))
                .hasMessageContaining("pad every row to the same length");
    }

    @Test
    void a_config_that_does_not_fit_the_weights_lists_every_mismatch() throws IOException {
        // given config.json claiming 3 layers and another head size
        ObjectNode config = (ObjectNode)
                new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        config.put("num_hidden_layers", 3);
        config.put("n_tasks", 1);
        Path configJson = tmp.resolve("config.json");
        Files.writeString(configJson, config.toString());
        // then every layer-2 tensor is missing and the head's last layer has the wrong shape, all in one error
        assertThatThrownBy(() -> PairRm.load(configJson, folder.resolve("model.safetensors")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing 'pretrained_model.encoder.layer.2.attention.self.query_proj.weight'")
                .hasMessageContaining("missing 'pretrained_model.encoder.layer.2.output.LayerNorm.bias'")
                .hasMessageContaining("wrong shape 'head_layer.4.weight': (2, 64) in the file, (1, 64) needed")
                .hasMessageContaining("18 problems");
    }

    @Test
    void a_folder_without_weights_says_which_files_it_looked_for() {
        assertThatThrownBy(() -> PairRm.load(tmp))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Cannot find pytorch_model.bin or model.safetensors in " + tmp);
    }

    @Test
    void unsupported_architecture_options_are_named() throws IOException {
        ObjectNode config = (ObjectNode)
                new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        config.put("hidden_act", "relu");
        Path configJson = tmp.resolve("config.json");
        Files.writeString(configJson, config.toString());
        assertThatThrownBy(() -> PairRm.load(configJson, folder.resolve("model.safetensors")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json: field 'hidden_act' is 'relu'");
    }

    @Test
    void closing_twice_is_harmless() {
        PairRm other = PairRm.load(folder);
        other.close();
        other.close();
    }

    @Test
    void a_pass_after_close_is_refused_with_the_model_named_never_run_on_freed_memory() {
        PairRm other = PairRm.load(folder);
        other.close();
        assertThatThrownBy(() -> other.logits(
                        new long[][] {{1, 1001, 2, 1, 1002, 2, 1, 1003, 2}},
                        new long[][] {{1, 1, 1, 1, 1, 1, 1, 1, 1}}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PairRM (")
                .hasMessageContaining("is closed; load it again");
    }

    @Test
    void an_interrupted_caller_stops_the_pass_between_layers_and_the_model_stays_usable() {
        long[][] ids = {{1, 1001, 2, 1, 1002, 2, 1, 1003, 2}};
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1, 1, 1}};
        try (PairRm model = PairRm.load(folder)) {
            float[] expected = model.logits(ids, mask);
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> model.logits(ids, mask))
                        .isInstanceOf(java.util.concurrent.CancellationException.class)
                        .hasMessageContaining("interrupted between layers");
                assertThat(Thread.currentThread().isInterrupted())
                        .as("the flag is left for the caller")
                        .isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(model.logits(ids, mask)).containsExactly(expected);
        }
    }
}
