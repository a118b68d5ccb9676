package io.llmblender.cli.option;

import io.llmblender.ranker.PairRanker;
import io.llmblender.runtime.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR_OR_HUB_ID}: a PairRM folder, or a hub id resolved through the local cache. */
public final class ModelOption {
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "DIR_OR_HUB_ID",
            description = "a PairRM folder (PairRM-hf or original layout), or a hub id such as llm-blender/PairRM-hf")
    public String model;

    /** Loads the ranker, downloading a hub model into the cache first if needed, with progress on {@code err}. */
    public PairRanker load(PrintWriter err) {
        Path folder = Path.of(model);
        PairRanker ranker = Files.isDirectory(folder) ? PairRanker.load(folder) : HubModels.load(model, err);
        ProgressBar bar = new ProgressBar(err, "Ranking candidates", false);
        // Small jobs finish before a bar would help; long ones (many rows) show one.
        return ranker.withProgress((done, total) -> {
            if (total >= 16) {
                bar.update(done, total);
            }
        });
    }
}
