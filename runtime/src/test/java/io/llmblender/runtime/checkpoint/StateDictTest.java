package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StateDictTest extends WithManager {
    @Test
    void taking_every_tensor_with_its_shape_finishes_cleanly() {
        try (TensorSource source = TensorSource.open(Checkpoints.resource("model.safetensors"))) {
            StateDict weights = new StateDict(source, manager, "config.json");
            source.tensors()
                    .values()
                    .forEach(t -> weights.take(t.key(), t.shape().getShape()));
            weights.finish();
        }
    }

    @Test
    void missing_unexpected_and_wrong_shape_tensors_are_reported_together() {
        // given a checkpoint with one tensor renamed
        byte[] original = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        ObjectNode header = Checkpoints.header(original);
        header.set("head_layer.9.weight", header.remove("head_layer.4.weight"));
        Path file = Checkpoints.write(
                tmp, "renamed.safetensors", Checkpoints.assemble(header.toString(), Checkpoints.data(original)));
        try (TensorSource source = TensorSource.open(file)) {
            StateDict weights = new StateDict(source, manager, "config.json");
            // when the architecture takes every original key, one of them with another shape
            for (TensorInfo t : TensorSource.open(Checkpoints.resource("model.safetensors"))
                    .tensors()
                    .values()) {
                if (t.key().equals("head_layer.1.bias")) {
                    weights.take(t.key(), 32);
                } else {
                    weights.take(t.key(), t.shape().getShape());
                }
            }
            // then one error lists all three problems
            assertThatThrownBy(weights::finish)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("renamed.safetensors")
                    .hasMessageContaining("3 problems")
                    .hasMessageContaining("missing 'head_layer.4.weight' (2, 64)")
                    .hasMessageContaining("wrong shape 'head_layer.1.bias': (64) in the file, (32) needed")
                    .hasMessageContaining("unexpected 'head_layer.9.weight'")
                    .hasMessageContaining("same checkpoint");
        }
    }

    @Test
    void an_ignored_key_may_be_present_and_is_never_loaded() {
        // given a checkpoint with the legacy position_ids buffer (int64), as transformers < 4.31 saved it
        byte[] original = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        byte[] data = Checkpoints.data(original);
        byte[] withBuffer = java.util.Arrays.copyOf(data, data.length + 8 * 4);
        ObjectNode header = Checkpoints.header(original);
        ObjectNode buffer = header.putObject("pretrained_model.embeddings.position_ids");
        buffer.put("dtype", "I64");
        buffer.putArray("shape").add(1).add(4);
        buffer.putArray("data_offsets").add(data.length).add(data.length + 32);
        Path file = Checkpoints.write(tmp, "legacy.safetensors", Checkpoints.assemble(header.toString(), withBuffer));
        try (TensorSource source = TensorSource.open(file)) {
            StateDict weights = new StateDict(source, manager, "config.json");
            weights.ignore("pretrained_model.embeddings.position_ids");
            source.tensors().values().stream()
                    .filter(t -> !t.key().endsWith("position_ids"))
                    .forEach(t -> weights.take(t.key(), t.shape().getShape()));
            weights.finish();
            assertThat(source.tensors()
                            .get("pretrained_model.embeddings.position_ids")
                            .dtype())
                    .isEqualTo(DType.I64);
        }
    }
}
