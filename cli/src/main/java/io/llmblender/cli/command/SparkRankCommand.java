package io.llmblender.cli.command;

import io.llmblender.batch.BatchFile;
import io.llmblender.cli.option.Choices;
import io.llmblender.spark.EmbeddedSpark;
import io.llmblender.spark.SparkRankJob;
import io.llmblender.spark.SparkRankOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code blender spark rank}: {@code rank --batch} on Spark, for datasets beyond one machine; the same record
 * format and option names, a folder of results, DPO pairs on request.
 */
@Command(
        name = "rank",
        mixinStandardHelpOptions = true,
        description = "Ranks every record of a JSONL file (or a Parquet folder) with PairRM on Spark.")
public final class SparkRankCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--batch",
            required = true,
            paramLabel = "FILE.jsonl|DIR.parquet",
            description = "the records, one {\"id\", \"input\", \"instruction\"?, \"candidates\"} per line (or row)")
    String batch;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "where the ranked rows go (refused ones in DIR.errors); a re-run skips ids already there")
    String output;

    @Option(
            names = {"-m", "--model"},
            required = true,
            paramLabel = "DIR_OR_HUB_ID",
            description = "a PairRM folder every executor can read (or shipped with --archives), or a hub id")
    String model;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: local[2], Spark embedded in this JVM; under spark-submit, its own)")
    String master;

    @Option(names = "--strategy", defaultValue = "full", description = "full (default), bubble or knockout")
    String strategy;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P", description = "fp32 (default), bf16, auto")
    String precision;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the bubble and knockout start orders")
    long seed;

    @Option(
            names = "--dpo",
            paramLabel = "DIR",
            description = "also write DPO pairs {id, prompt, chosen, rejected," + " margin} here")
    String dpo;

    @Option(names = "--format", defaultValue = "json", description = "json (JSONL, default) or parquet")
    String format;

    @Option(names = "--matrix", description = "add the full strategy's comparison matrix")
    boolean matrix;

    @Option(names = "--max-candidates", defaultValue = "64", paramLabel = "N", description = "refuse rows with more")
    int maxCandidates;

    @Option(
            names = "--round-rows",
            defaultValue = "10000",
            paramLabel = "N",
            description = "rows per committed round: at most what a kill loses (default 10000)")
    int roundRows;

    @Override
    public Integer call() {
        SparkRankOptions options = SparkRankOptions.of(model)
                .withStrategy(Choices.strategy("--strategy", strategy))
                .withPrecision(precision)
                .withSeed(seed)
                .withMatrix(matrix)
                .withMaxCandidates(maxCandidates);
        SparkRankJob job = new SparkRankJob(batch, output, dpo, format, options, roundRows);
        BatchFile.Summary s = EmbeddedSpark.run(job, master);
        PrintWriter err = spec.commandLine().getErr();
        err.println(s.line());
        err.flush();
        return 0;
    }
}
