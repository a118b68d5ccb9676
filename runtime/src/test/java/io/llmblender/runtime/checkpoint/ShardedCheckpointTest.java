package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardedCheckpointTest extends WithManager {
    @Test
    void a_checkpoint_split_in_two_shards_reads_like_the_whole() throws IOException {
        Path index = split(tmp, "model-0000%d-of-00002.safetensors");
        try (TensorSource sharded = TensorSource.open(index);
                TensorSource whole = TensorSource.open(Checkpoints.resource("model.safetensors"))) {
            assertThat(sharded).isInstanceOf(ShardedCheckpoint.class);
            assertThat(sharded.tensors().keySet())
                    .containsExactlyInAnyOrderElementsOf(whole.tensors().keySet());
            for (String key : whole.tensors().keySet()) {
                assertThat(sharded.load(key, manager).toFloatArray())
                        .containsExactly(whole.load(key, manager).toFloatArray());
            }
        }
    }

    @Test
    void an_index_naming_a_key_its_shard_lacks_names_the_key_and_the_shard() throws IOException {
        // given an index that maps a head tensor (in shard 1) to shard 2
        Path index = split(tmp, "part%d.safetensors");
        String text = Files.readString(index);
        String moved = text.replace(
                "\"head_layer.4.weight\":\"part1.safetensors\"", "\"head_layer.4.weight\":\"part2.safetensors\"");
        assertThat(moved).isNotEqualTo(text);
        Files.writeString(index, moved);
        // then
        assertThatThrownBy(() -> TensorSource.open(index))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("head_layer.4.weight")
                .hasMessageContaining("'part2.safetensors', which does not contain it");
    }

    @Test
    void a_shard_outside_the_index_folder_is_refused() throws IOException {
        Path index = tmp.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../elsewhere/model.safetensors\"}}");
        assertThatThrownBy(() -> TensorSource.open(index))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("plain file name");
    }

    /** Splits the fixture by key into shard 1 (keys starting with "head") and shard 2 (the rest). */
    static Path split(Path dir, String namePattern) throws IOException {
        byte[] original = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        ObjectNode header = Checkpoints.header(original);
        byte[] data = Checkpoints.data(original);
        ObjectNode map = Checkpoints.JSON.createObjectNode();
        for (int shard = 1; shard <= 2; shard++) {
            ObjectNode h = Checkpoints.JSON.createObjectNode();
            List<byte[]> parts = new ArrayList<>();
            long at = 0;
            for (var it = header.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__") || e.getKey().startsWith("head") != (shard == 1)) {
                    continue;
                }
                long begin = e.getValue().get("data_offsets").get(0).asLong();
                long end = e.getValue().get("data_offsets").get(1).asLong();
                parts.add(Arrays.copyOfRange(data, (int) begin, (int) end));
                ObjectNode entry = e.getValue().deepCopy();
                entry.putArray("data_offsets").add(at).add(at + end - begin);
                at += end - begin;
                h.set(e.getKey(), entry);
                map.put(e.getKey(), String.format(namePattern, shard));
            }
            byte[] shardData = new byte[(int) at];
            int p = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, shardData, p, part.length);
                p += part.length;
            }
            Checkpoints.write(dir, String.format(namePattern, shard), Checkpoints.assemble(h.toString(), shardData));
        }
        ObjectNode index = Checkpoints.JSON.createObjectNode();
        index.putObject("metadata").put("total_size", data.length);
        index.set("weight_map", map);
        return Checkpoints.write(
                dir, "model.safetensors.index.json", index.toString().getBytes());
    }
}
