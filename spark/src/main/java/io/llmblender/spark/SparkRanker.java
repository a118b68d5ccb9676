package io.llmblender.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Ranks a dataset of the batch-file record format with PairRM on Spark: each partition is ranked by
 * {@link PartitionRanker} with the executor's shared model ({@link ExecutorModels}), for the full, bubble and
 * knockout strategies and fp32 or bf16.
 *
 * <pre>{@code
 * SparkRanker ranker = new SparkRanker(SparkRankOptions.of("/models/PairRM-hf").withStrategy(Strategy.BUBBLE));
 * SparkRanking r = ranker.rank(spark.read().parquet("prompts.parquet"));   // id, input, instruction?, candidates
 * r.ranked().write().parquet("ranked");
 * r.dpo().write().json("dpo");                                             // id, prompt, chosen, rejected, margin
 * }</pre>
 */
public final class SparkRanker {
    private final SparkRankOptions options;

    /**
     * A ranker with these options.
     *
     * @param options the model, strategy and precision every executor uses
     */
    public SparkRanker(SparkRankOptions options) {
        this.options = options;
    }

    /**
     * Ranks rows with columns {@code id}, {@code input}, {@code candidates} and optionally {@code instruction}.
     *
     * @param records the rows; a second row with an id already seen is refused
     * @return the ranked rows, the refused ones and the DPO pairs, cached until unpersisted
     * @throws IllegalArgumentException if a required column is missing
     */
    public SparkRanking rank(Dataset<Row> records) {
        return rankChecked(refuseDuplicates(check(records)));
    }

    /** The rows checked as the batch format checks records, with a reason for each refused one. */
    Dataset<Row> check(Dataset<Row> records) {
        List<String> names = Arrays.asList(records.columns());
        for (String required : List.of("id", "input", "candidates")) {
            if (!names.contains(required)) {
                throw new IllegalArgumentException("the dataset has no column '" + required + "'; it needs id, input,"
                        + " candidates (array of strings) and optionally instruction; it has " + names);
            }
        }
        Column instruction =
                names.contains("instruction") ? col("instruction") : lit(null).cast("string");
        return records.select(col("id").cast("string"), col("input"), instruction, col("candidates"))
                .mapPartitions(RecordChecks.columns(options.maxCandidates()), Encoders.row(Schemas.CHECKED));
    }

    /** JSONL lines (blank ones skipped, numbers kept), checked exactly as {@code rank --batch} checks them. */
    Dataset<Row> checkJsonl(SparkSession spark, String path) {
        JavaRDD<Row> lines = spark.read()
                .textFile(path)
                .javaRDD()
                .zipWithIndex()
                .filter(t -> !t._1().isBlank())
                .map(t -> RowFactory.create(t._2() + 1, t._1()));
        return spark.createDataFrame(lines, Schemas.LINES)
                .mapPartitions(RecordChecks.jsonLines(options.maxCandidates()), Encoders.row(Schemas.CHECKED));
    }

    /** A second row with an id already seen (by line, else by position) is refused, as {@code rank --batch} does. */
    static Dataset<Row> refuseDuplicates(Dataset<Row> checked) {
        Dataset<Row> ordered = checked.withColumn("_order", monotonically_increasing_id());
        Column n = row_number()
                .over(Window.partitionBy(col("id"), col("reason").isNull())
                        .orderBy(col("line").asc_nulls_last(), col("_order")));
        Column duplicate = col("reason").isNull().and(col("id").isNotNull()).and(n.gt(1));
        return ordered.withColumn(
                        "reason",
                        when(duplicate, concat(lit("duplicate id; an earlier line has the id "), col("id")))
                                .otherwise(col("reason")))
                .drop("_order");
    }

    /** Ranks checked rows; the result is cached until {@link SparkRanking#unpersist()}. */
    SparkRanking rankChecked(Dataset<Row> checked) {
        Dataset<Row> results = checked.mapPartitions(new PartitionRanker(options), Encoders.row(Schemas.RESULT))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> ok = results.filter(col("reason").isNull());
        List<Column> rankedColumns =
                new ArrayList<>(List.of(col("id"), col("ranks"), col("scores"), col("best"), col("worst")));
        if (options.withMatrix()) {
            rankedColumns.add(col("matrix"));
        }
        return new SparkRanking(
                ok.select(rankedColumns.toArray(new Column[0])),
                results.filter(col("reason").isNotNull()).select("line", "id", "reason"),
                ok.filter(col("best").notEqual(col("worst"))).select("id", "prompt", "chosen", "rejected", "margin"),
                results);
    }
}
