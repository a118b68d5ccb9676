package io.llmblender.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import io.llmblender.batch.BatchFile;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The file job behind {@code blender spark rank}: a JSONL file (or a folder of them) or a Parquet folder in; the
 * ranked rows in {@code output}, refused rows in {@code output.errors}, DPO pairs in {@code dpo} (optional), each
 * JSONL or Parquet. Resumable: the pending rows are ranked in rounds of about {@code roundRows}, each round
 * committed as its own files (errors, then DPO pairs, then ranked rows, so an id in the output is complete
 * everywhere); a restart skips ids the output or the errors already hold, and DPO ids already written.
 *
 * @param input a JSONL file or folder, or a Parquet folder (by its name or its files)
 * @param output the folder of ranked rows; refused rows go to {@code output.errors}
 * @param dpo the folder of DPO pairs, or null for none
 * @param format json (JSONL, the default) or parquet, for every output
 * @param options the model, strategy and precision
 * @param roundRows rows per committed round: what a kill can lose at most
 */
public record SparkRankJob(
        String input, String output, String dpo, String format, SparkRankOptions options, int roundRows) {
    /**
     * Checks the format and the round size.
     *
     * @param input the input file or folder
     * @param output the output folder
     * @param dpo the DPO folder, or null
     * @param format json or parquet
     * @param options the ranking options
     * @param roundRows rows per committed round
     * @throws IllegalArgumentException for another format or a round below one row
     */
    public SparkRankJob {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (!format.equals("json") && !format.equals("parquet")) {
            throw new IllegalArgumentException("--format must be json or parquet, was " + format);
        }
        if (roundRows < 1) {
            throw new IllegalArgumentException("roundRows must be at least 1, was " + roundRows);
        }
    }

    /** Told after each committed round (the restart test stops a job here). */
    interface Rounds {
        Rounds NONE = (round, of) -> {};

        void committed(int round, int of);
    }

    /**
     * Runs (or resumes) the job.
     *
     * @param spark the session to run on
     * @return read, ranked and refused over the whole input (read = ranked + refused)
     */
    public BatchFile.Summary run(SparkSession spark) {
        return run(spark, Rounds.NONE);
    }

    BatchFile.Summary run(SparkSession spark, Rounds rounds) {
        SparkRanker ranker = new SparkRanker(options);
        Dataset<Row> checked = SparkRanker.refuseDuplicates(
                        Folders.isParquet(spark, input)
                                ? ranker.check(spark.read().parquet(input))
                                : ranker.checkJsonl(spark, input))
                .cache();
        long read = checked.count();
        String errorsDir = output + ".errors";
        Dataset<Row> doneIds = ids(spark, output).union(ids(spark, errorsDir));
        Dataset<Row> pending = checked.join(doneIds, checked.col("id").equalTo(doneIds.col("done")), "left_anti");
        if (Folders.exists(spark, errorsDir)) {
            // refused lines without an id are recognised by their line number
            Dataset<Row> lines = read(spark, errorsDir, ERRORS)
                    .filter(col("id").isNull())
                    .select(col("line").as("done"));
            pending = pending.join(lines, pending.col("line").equalTo(lines.col("done")), "left_anti");
        }
        long todo = pending.count();
        int of = (int) Math.max(1, (todo + roundRows - 1) / roundRows);
        int parallelism = spark.sparkContext().defaultParallelism();
        Dataset<Row> bucketed = pending.withColumn(
                "_round", pmod(hash(coalesce(col("id"), col("line").cast(DataTypes.StringType))), lit(of)));
        for (int round = 0; round < of && todo > 0; round++) {
            Dataset<Row> part =
                    bucketed.filter(col("_round").equalTo(round)).drop("_round").repartition(parallelism);
            SparkRanking r = ranker.rankChecked(part);
            write(r.errors(), errorsDir);
            if (dpo != null) {
                Dataset<Row> written = ids(spark, dpo);
                write(r.dpo().join(written, r.dpo().col("id").equalTo(written.col("done")), "left_anti"), dpo);
            }
            write(r.ranked(), output);
            r.unpersist();
            rounds.committed(round, of);
        }
        checked.unpersist();
        long ranked = Folders.exists(spark, output) ? read(spark, output, IDS).count() : 0;
        long refused = Folders.exists(spark, errorsDir)
                ? read(spark, errorsDir, ERRORS).count()
                : 0;
        return new BatchFile.Summary(read, ranked, refused, read - todo);
    }

    private void write(Dataset<Row> rows, String dir) {
        var w = rows.write().mode(SaveMode.Append);
        if (format.equals("parquet")) {
            w.parquet(dir);
        } else {
            w.option("ignoreNullFields", "false").json(dir);
        }
    }

    /** The columns read back from earlier rounds; given, because an empty round's files carry no schema. */
    private static final StructType IDS = new StructType().add("id", DataTypes.StringType);

    private static final StructType ERRORS =
            new StructType().add("line", DataTypes.LongType).add("id", DataTypes.StringType);

    /**
     * The files committed to {@code dir} now, and only those: a later round's files must not change what this
     * run took as done (the rounds are evaluated lazily, after earlier rounds wrote).
     */
    private Dataset<Row> read(SparkSession spark, String dir, StructType schema) {
        String[] files = Folders.dataFiles(spark, dir);
        if (files.length == 0) {
            return spark.createDataFrame(List.<Row>of(), schema);
        }
        var reader = spark.read().schema(schema);
        return format.equals("parquet") ? reader.parquet(files) : reader.json(files);
    }

    /** The ids already written to {@code dir} as a column {@code done} (none if it does not exist yet). */
    private Dataset<Row> ids(SparkSession spark, String dir) {
        if (!Folders.exists(spark, dir)) {
            return spark.createDataFrame(List.<Row>of(), new StructType().add("done", DataTypes.StringType));
        }
        return read(spark, dir, IDS)
                .filter(col("id").isNotNull())
                .select(col("id").cast(DataTypes.StringType).as("done"));
    }
}
