package io.llmblender.spark;

import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.RankingModels;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.runtime.kernel.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;

/**
 * The models of this JVM, one per (model, precision), loaded by the first task that needs one and shared by every
 * later task of the executor: the weights are read once per executor, not once per task or partition. Concurrent
 * tasks share it under the model's own pass permit. Models live as long as the executor and are closed when its
 * JVM exits.
 */
public final class ExecutorModels {
    private record Key(String model, String precision) {}

    private static final Map<Key, RankingModel> MODELS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> MODELS.values().forEach(RankingModel::close), "llm-blender-models"));
    }

    private ExecutorModels() {}

    /**
     * The model for these options, loading it on first use.
     *
     * @param o the options naming the model and its precision
     * @return the JVM's shared model; never close it (the JVM's exit does)
     */
    public static RankingModel get(SparkRankOptions o) {
        return MODELS.computeIfAbsent(new Key(o.model(), o.precision()), k -> load(k.model(), k.precision()));
    }

    /**
     * How many models this JVM holds (what a test checks to see that tasks share one).
     *
     * @return the number of loaded models
     */
    public static int loaded() {
        return MODELS.size();
    }

    private static RankingModel load(String model, String precision) {
        PairRankerOptions options = PairRankerOptions.DEFAULT.withModel(
                PairRmOptions.DEFAULT.withPrecision(Precision.parse(precision, "--precision")));
        return RankingModels.load(resolve(model), options);
    }

    /** The folder as given if it exists here, else the copy {@code --files}/{@code --archives} shipped, else a hub id. */
    static String resolve(String model) {
        if (Files.isDirectory(Path.of(model))) {
            return model;
        }
        try {
            Path shipped = Path.of(SparkFiles.get(Path.of(model).getFileName().toString()));
            if (Files.isDirectory(shipped)) {
                return shipped.toString();
            }
        } catch (RuntimeException noSparkEnv) {
            // not inside a Spark task: the name is a hub id (or a missing folder, which the loader names)
        }
        return model;
    }
}
