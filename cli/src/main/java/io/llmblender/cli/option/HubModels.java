package io.llmblender.cli.option;

import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.hub.HubClient;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/** The hub client of the CLI: the environment's settings and a progress bar per downloaded file. */
final class HubModels {
    private HubModels() {}

    static HubClient client(PrintWriter err) {
        Map<String, ProgressBar> bars = new HashMap<>();
        // HF_HUB_OFFLINE, HF_ENDPOINT, HF_HOME/HF_HUB_CACHE and HF_TOKEN as the Python tools read them
        return HubClient.fromEnvironment(
                System.getenv(),
                (file, done, total) -> bars.computeIfAbsent(file, f -> new ProgressBar(err, "Downloading " + f, true))
                        .update(done, total));
    }
}
