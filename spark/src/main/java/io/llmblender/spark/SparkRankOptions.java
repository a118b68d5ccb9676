package io.llmblender.spark;

import io.llmblender.batch.RecordRules;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.Strategy;
import io.llmblender.runtime.kernel.Precision;
import java.io.Serializable;
import java.util.Objects;

/**
 * What every executor needs to rank its partitions, shipped with each task (so: small and serializable).
 * Immutable.
 *
 * @param model a model folder every executor can read (local, shared, or shipped with {@code --files} /
 *     {@code --archives} and found by its name through {@code SparkFiles}), or a hub id in the executors' cache
 * @param precision fp32, bf16 or auto, as {@code --precision}
 * @param seed start orders of bubble and knockout, mixed with each row's content
 * @param withMatrix add the full strategy's comparison matrix as a column
 * @param maxCandidates rows with more candidates are refused
 * @param chunkPairRows pair rows handed to the model at once, packed by it into passes by its token budget
 */
public record SparkRankOptions(
        String model,
        String precision,
        Strategy strategy,
        long seed,
        boolean withMatrix,
        int maxCandidates,
        int chunkPairRows)
        implements Serializable {
    public SparkRankOptions {
        Objects.requireNonNull(model, "model: a folder the executors can read, or a hub id");
        Precision.parse(precision, "precision");
        if (strategy == Strategy.TOP_K) {
            throw new IllegalArgumentException("strategy top-k finds no worst; use full, bubble or knockout");
        }
        new RecordRules(maxCandidates);
        if (chunkPairRows < 1) {
            throw new IllegalArgumentException("chunkPairRows must be at least 1, was " + chunkPairRows);
        }
    }

    /** Full ranking, fp32, the default seed, no matrix, at most 64 candidates, chunks of 256 pair rows. */
    public static SparkRankOptions of(String model) {
        return new SparkRankOptions(
                model,
                "fp32",
                Strategy.FULL,
                PairRankerOptions.DEFAULT_SEED,
                false,
                RecordRules.DEFAULT.maxCandidates(),
                256);
    }

    public SparkRankOptions withStrategy(Strategy s) {
        return new SparkRankOptions(model, precision, s, seed, withMatrix, maxCandidates, chunkPairRows);
    }

    public SparkRankOptions withPrecision(String p) {
        return new SparkRankOptions(model, p, strategy, seed, withMatrix, maxCandidates, chunkPairRows);
    }

    public SparkRankOptions withSeed(long s) {
        return new SparkRankOptions(model, precision, strategy, s, withMatrix, maxCandidates, chunkPairRows);
    }

    public SparkRankOptions withMatrix(boolean m) {
        return new SparkRankOptions(model, precision, strategy, seed, m, maxCandidates, chunkPairRows);
    }

    public SparkRankOptions withMaxCandidates(int n) {
        return new SparkRankOptions(model, precision, strategy, seed, withMatrix, n, chunkPairRows);
    }
}
