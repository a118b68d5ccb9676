package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint split into several safetensors shards, described by {@code model.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {key: "model-00001-of-00002.safetensors", ...}}}. Every shard is
 * opened and validated up front, and every key of the map must be in the shard it names.
 *
 * <p>Not thread-safe.
 */
public final class ShardedCheckpoint implements TensorSource {
    private final Path index;
    private final Map<String, SafetensorsFile> shardOf;
    private final Map<String, SafetensorsFile> shards;
    private final Map<String, TensorInfo> tensors;

    private ShardedCheckpoint(
            Path index,
            Map<String, SafetensorsFile> shards,
            Map<String, SafetensorsFile> shardOf,
            Map<String, TensorInfo> tensors) {
        this.index = index;
        this.shards = shards;
        this.shardOf = shardOf;
        this.tensors = tensors;
    }

    /**
     * Opens the index and every shard it names (resolved beside the index).
     *
     * @param index the {@code *.safetensors.index.json} file
     * @return the open checkpoint; the caller closes it, which closes every shard
     */
    public static ShardedCheckpoint open(Path index) {
        JsonNode weightMap;
        try {
            JsonNode root = new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(index.toFile());
            weightMap = root == null ? null : root.get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(index, null, "is not a readable JSON index: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException(index, null, "has no 'weight_map' object; is it a *.safetensors.index.json?");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            weightMap.properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getValue().asText("");
                if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith("..")) {
                    throw new CheckpointException(
                            index,
                            e.getKey(),
                            "is mapped to shard '" + name + "'; a shard must be a plain file name beside the index");
                }
                Path shardPath = index.resolveSibling(name);
                SafetensorsFile shard = shards.get(name);
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath);
                    shards.put(name, shard);
                }
                TensorInfo info = shard.tensors().get(e.getKey());
                if (info == null) {
                    throw new CheckpointException(
                            index, e.getKey(), "is mapped to shard '" + name + "', which does not contain it");
                }
                shardOf.put(e.getKey(), shard);
                tensors.put(e.getKey(), info);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedCheckpoint(index, shards, shardOf, Collections.unmodifiableMap(tensors));
    }

    @Override
    public Path file() {
        return index;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        SafetensorsFile shard = shardOf.get(key);
        if (shard == null) {
            throw new CheckpointException(index, key, "is not in the weight map");
        }
        return shard.load(key, manager);
    }

    @Override
    public void close() {
        shards.values().forEach(SafetensorsFile::close);
    }
}
