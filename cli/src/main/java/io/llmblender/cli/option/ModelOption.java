package io.llmblender.cli.option;

import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.RankingModels;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.kernel.Precision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR_OR_HUB_ID}: a ranking model folder or hub id (PairRM in either layout, or a DeBERTa reward
 * model; the kind comes from its config.json), resolved through the local cache.
 */
public final class ModelOption {
    /** The option's raw value, {@code --model}: a folder or a hub id. */
    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "DIR_OR_HUB_ID",
            description = "a PairRM folder (PairRM-hf or original layout) or a DeBERTa reward model, or a hub id such"
                    + " as llm-blender/PairRM-hf or OpenAssistant/reward-model-deberta-v3-large-v2")
    public String model;

    /** The option's raw value, {@code --precision}: {@code fp32}, {@code bf16} or {@code auto}. */
    @Option(
            names = "--precision",
            defaultValue = "auto",
            paramLabel = "P",
            description = "matmul precision: fp32 (exact), bf16 (the CPU's bf16 matrix units; refused where there are"
                    + " none), auto (default: bf16 where the CPU has amx_bf16 or avx512_bf16, else fp32)")
    public String precision;

    /** The option's raw value, {@code --device}: {@code cpu}, {@code gpu} or {@code auto}. */
    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "D",
            description =
                    "cpu (default), gpu (needs DJL's CUDA build of libtorch), or auto (the GPU when there is one)")
    public String device;

    /**
     * Loads the model, downloading a hub model into the cache first if needed, with progress on {@code err}.
     *
     * @param err where download and load progress go
     * @return the model; the caller closes it
     */
    public RankingModel load(PrintWriter err) {
        return load(err, PairRankerOptions.DEFAULT_SEED);
    }

    /**
     * As {@link #load(PrintWriter)}, with the seed of the bubble and knockout start orders.
     *
     * @param err where download and load progress go
     * @param seed the start-order seed
     * @return the model; the caller closes it
     */
    public RankingModel load(PrintWriter err, long seed) {
        return load(err, seed, true);
    }

    /**
     * As {@link #load(PrintWriter, long)}; without the per-call progress bar where the caller draws its own.
     *
     * @param err where download and load progress go
     * @param seed the start-order seed
     * @param progress whether to draw the per-call progress bar
     * @return the model; the caller closes it
     */
    public RankingModel load(PrintWriter err, long seed, boolean progress) {
        ProgressBar bar = new ProgressBar(err, "Ranking candidates", false);
        // Small jobs finish before a bar would help; long ones (many rows) show one.
        PairRankerOptions options = PairRankerOptions.DEFAULT
                .withModel(PairRmOptions.DEFAULT
                        .withPrecision(Precision.parse(precision, "--precision"))
                        .withDevice(ComputeDevice.parse(device, "--device")))
                .withSeed(seed)
                .withProgress((done, total) -> {
                    if (progress && total >= 16) {
                        bar.update(done, total);
                    }
                });
        Path folder = Path.of(model);
        return Files.isDirectory(folder)
                ? RankingModels.load(folder, options)
                : RankingModels.fromHub(model, HubModels.client(err), options);
    }
}
