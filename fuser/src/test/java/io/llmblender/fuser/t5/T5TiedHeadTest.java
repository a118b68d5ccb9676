package io.llmblender.fuser.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.fuser.Fixtures;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.checkpoint.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code tie_word_embeddings}, the head is {@code shared} applied to the output scaled by d_model^-0.5. */
class T5TiedHeadTest {
    @Test
    void a_tied_head_scales_the_decoder_output_and_uses_the_shared_embedding(@TempDir Path tmp) throws Exception {
        Path folder = Fixtures.folder("t5.fixtures", "fixtures/t5-tiny");
        ObjectNode config = (ObjectNode)
                new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        config.put("tie_word_embeddings", true);
        Path tied = Files.writeString(tmp.resolve("config.json"), config.toString());
        int d = config.get("d_model").asInt();
        int vocab = config.get("vocab_size").asInt();
        float[] shared;
        try (TensorSource source = TensorSource.open(folder.resolve("model.safetensors"));
                NDManager m = DjlRuntime.newManager()) {
            shared = source.load("shared.weight", m).toFloatArray();
        }
        long[][] ids = {{5, 6, 7, 1}};
        long[][] mask = {{1, 1, 1, 1}};
        long[][] dec = {{0, 9}};
        try (T5Model model = T5Model.load(tied, folder.resolve("model.safetensors"))) {
            T5Model.Output out = model.forward(ids, mask, dec, null);
            float[] h = out.decoderHidden();
            for (int t = 0; t < 2; t++) {
                for (int v = 0; v < vocab; v += 37) {
                    double expected = 0;
                    for (int k = 0; k < d; k++) {
                        expected += h[t * d + k] * Math.pow(d, -0.5) * shared[v * d + k];
                    }
                    assertThat((double) out.logits()[t * vocab + v]).isCloseTo(expected, Offset.offset(1e-4));
                }
            }
        }
    }
}
