package io.llmblender.fuser.genfuser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.runtime.checkpoint.CheckpointException;
import io.llmblender.runtime.hub.HubClient;
import io.llmblender.runtime.hub.HubException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Where a GenFuser's files are: the weights inside a folder, and the files a hub repository must download. */
final class GenFuserFolder {
    private GenFuserFolder() {}

    /**
     * The folder's weights: the first of {@code model.safetensors}, {@code model.safetensors.index.json} (shards, as
     * the 3B GenFuser ships) and {@code pytorch_model.bin}.
     *
     * @param folder the GenFuser folder
     * @return the weights file
     * @throws CheckpointException if the folder holds none of them
     */
    static Path weights(Path folder) {
        for (String name : List.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        throw new CheckpointException(
                folder,
                null,
                "holds no model.safetensors,"
                        + " model.safetensors.index.json or pytorch_model.bin; download llm-blender/gen_fuser_3b into it");
    }

    /**
     * Downloads (once) {@code config.json}, {@code tokenizer.json} and the weights of {@code repoId}: every shard the
     * repository's {@code model.safetensors.index.json} names, or {@code model.safetensors} when it has no index.
     *
     * @param repoId the hub id, e.g. {@code llm-blender/gen_fuser_3b}
     * @param hub the client to download with
     * @return the snapshot folder holding the files
     * @throws HubException if a file cannot be downloaded or the index cannot be read
     */
    static Path download(String repoId, HubClient hub) {
        Path folder = hub.snapshot(repoId, "main", List.of("config.json", "tokenizer.json"));
        try {
            Path index = hub.download(repoId, "main", "model.safetensors.index.json");
            JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            Set<String> shards = new TreeSet<>();
            map.forEach(n -> shards.add(n.asText()));
            hub.snapshot(repoId, "main", List.copyOf(shards));
        } catch (HubException e) {
            if (!e.getMessage().contains("HTTP 404") && !e.getMessage().contains("not in the cache")) {
                throw e;
            }
            hub.download(repoId, "main", "model.safetensors");
        } catch (IOException e) {
            throw new HubException("cannot read the shard index of " + repoId + ": " + e.getMessage(), e);
        }
        return folder;
    }
}
