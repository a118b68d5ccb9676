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
 * @param strategy full, bubble or knockout (top-k finds no worst and is refused)
 * @param seed start orders of bubble and knockout, mixed with each row's content
 * @param withMatrix add the full strategy's comparison matrix as a column
 * @param maxCandidates rows with more candidates are refused
 * @param chunkPairRows pair rows handed to the model at once, packed by it into passes by its token budget
 * @serial exclude serializable only to travel with Spark's tasks, not a storage format
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
    /**
     * Checks every option, so a bad one fails on the driver, not in a task.
     *
     * @param model a model folder or hub id
     * @param precision fp32, bf16 or auto
     * @param strategy full, bubble or knockout
     * @param seed the start-order seed
     * @param withMatrix whether to keep the matrix
     * @param maxCandidates the candidate cap
     * @param chunkPairRows pair rows per model call
     * @throws IllegalArgumentException naming the bad option
     */
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

    /**
     * Full ranking, fp32, the default seed, no matrix, at most 64 candidates, chunks of 256 pair rows.
     *
     * @param model a model folder the executors can read, or a hub id
     * @return the options
     */
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

    /**
     * These options with another strategy.
     *
     * @param s another strategy
     * @return the new options
     */
    public SparkRankOptions withStrategy(Strategy s) {
        return new SparkRankOptions(model, precision, s, seed, withMatrix, maxCandidates, chunkPairRows);
    }

    /**
     * These options with another precision.
     *
     * @param p another precision (fp32, bf16, auto)
     * @return the new options
     */
    public SparkRankOptions withPrecision(String p) {
        return new SparkRankOptions(model, p, strategy, seed, withMatrix, maxCandidates, chunkPairRows);
    }

    /**
     * These options with another start-order seed.
     *
     * @param s another start-order seed
     * @return the new options
     */
    public SparkRankOptions withSeed(long s) {
        return new SparkRankOptions(model, precision, strategy, s, withMatrix, maxCandidates, chunkPairRows);
    }

    /**
     * These options with whether to add the comparison matrix.
     *
     * @param m whether to add the comparison matrix
     * @return the new options
     */
    public SparkRankOptions withMatrix(boolean m) {
        return new SparkRankOptions(model, precision, strategy, seed, m, maxCandidates, chunkPairRows);
    }

    /**
     * These options with another candidate cap.
     *
     * @param n another candidate cap
     * @return the new options
     */
    public SparkRankOptions withMaxCandidates(int n) {
        return new SparkRankOptions(model, precision, strategy, seed, withMatrix, n, chunkPairRows);
    }
}
