package io.llmblender.fuser.t5;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.fuser.Fixtures;
import io.llmblender.runtime.checkpoint.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The T5 model loads through a {@code model.safetensors.index.json}, as the 3B GenFuser ships. */
class T5ShardedLoadingTest {
    @Test
    void a_sharded_index_loads_the_same_model(@TempDir Path tmp) throws Exception {
        Path folder = Fixtures.folder("t5.fixtures", "fixtures/t5-tiny");
        Files.copy(folder.resolve("model.safetensors"), tmp.resolve("model-00001-of-00001.safetensors"));
        ObjectNode index = new ObjectMapper().createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        try (TensorSource single = TensorSource.open(folder.resolve("model.safetensors"))) {
            single.tensors().keySet().forEach(k -> map.put(k, "model-00001-of-00001.safetensors"));
        }
        Path indexFile = Files.writeString(tmp.resolve("model.safetensors.index.json"), index.toString());
        long[][] ids = {{5, 6, 7, 1}};
        long[][] mask = {{1, 1, 1, 1}};
        long[][] dec = {{0, 9, 10}};
        try (T5Model fromIndex = T5Model.load(folder.resolve("config.json"), indexFile);
                T5Model fromFile = T5Model.load(folder.resolve("config.json"), folder.resolve("model.safetensors"))) {
            assertThat(fromIndex.forward(ids, mask, dec, null).logits())
                    .containsExactly(fromFile.forward(ids, mask, dec, null).logits());
        }
    }
}
