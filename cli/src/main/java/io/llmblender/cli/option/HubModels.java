package io.llmblender.cli.option;

import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.hub.HubClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resolves a hub id such as {@code llm-blender/PairRM-hf} to a local folder, downloading it once. */
final class HubModels {
    private HubModels() {}

    /** The files a PairRM folder needs (both layouts ship these names). */
    static final List<String> PAIRRM_FILES = List.of("config.json", "tokenizer.json", "model.safetensors");

    static Path resolve(String id, PrintWriter err) {
        if (!id.matches("[\\w.-]+/[\\w.-]+")) {
            throw new IllegalArgumentException("--model " + id + " is neither a folder nor a hub id like"
                    + " llm-blender/PairRM-hf");
        }
        Map<String, ProgressBar> bars = new HashMap<>();
        // HF_HUB_OFFLINE, HF_ENDPOINT, HF_HOME/HF_HUB_CACHE and HF_TOKEN as the Python tools read them
        HubClient hub = HubClient.fromEnvironment(System.getenv(), (file, done, total) ->
                bars.computeIfAbsent(file, f -> new ProgressBar(err, "Downloading " + f, true)).update(done, total));
        return hub.snapshot(id, "main", PAIRRM_FILES);
    }
}
