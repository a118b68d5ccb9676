package io.llmblender.cli.option;

import io.llmblender.ranker.PairRanker;
import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.hub.HubClient;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/** Loads a hub id such as {@code llm-blender/PairRM-hf}, downloading it once with a progress bar per file. */
final class HubModels {
    private HubModels() {}

    static PairRanker load(String id, PrintWriter err) {
        Map<String, ProgressBar> bars = new HashMap<>();
        // HF_HUB_OFFLINE, HF_ENDPOINT, HF_HOME/HF_HUB_CACHE and HF_TOKEN as the Python tools read them
        HubClient hub = HubClient.fromEnvironment(
                System.getenv(),
                (file, done, total) -> bars.computeIfAbsent(file, f -> new ProgressBar(err, "Downloading " + f, true))
                        .update(done, total));
        return PairRanker.fromHub(id, hub);
    }
}
