package io.llmblender.cli.command;

import io.llmblender.ranker.Strategy;
import io.llmblender.spark.SparkRankOptions;
import io.llmblender.spark.bench.RandomPairRm;
import io.llmblender.spark.bench.SparkBench;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench spark}: the same rows in one process and on Spark local[2]; rows/s, ratio, peak RSS. */
@Command(
        name = "spark",
        mixinStandardHelpOptions = true,
        description = "Ranks --rows rows with a random mid-size PairRM (--hidden, --layers; tokenizer and shapes of"
                + " the tiny pairrm-e2e fixture) in one process and on Spark --master, and reports rows/s of both,"
                + " their ratio (target >= 0.85) and the executor JVM's peak RSS.")
public final class BenchSparkCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", defaultValue = "400", description = "rows to rank (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--candidates", defaultValue = "4", description = "candidates per row (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--hidden", defaultValue = "256", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", defaultValue = "4", description = "encoder layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--strategy", defaultValue = "bubble", description = "full, bubble (default) or knockout")
    String strategy;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(
            names = "--template",
            defaultValue = "ranker/src/test/resources/fixtures/pairrm-e2e",
            description = "the PairRM-hf folder whose tokenizer and tensor names to follow (default: ${DEFAULT-VALUE})")
    Path template;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("blender-bench-spark");
        Path model = RandomPairRm.write(template, dir, hidden, layers);
        SparkRankOptions options = SparkRankOptions.of(model.toString()).withStrategy(Strategy.fromName(strategy));
        SparkBench.Result r = SparkBench.run(
                options, rows, candidates, master, spec.commandLine().getErr());
        out.printf(
                "rows %d (C=%d, %s, hidden %d, layers %d): single process %.2f rows/s, spark %s %.2f rows/s,"
                        + " ratio %.2f; peak RSS of the executor JVM %d MiB%n",
                r.rows(),
                candidates,
                strategy,
                hidden,
                layers,
                r.singleRowsPerS(),
                master,
                r.sparkRowsPerS(),
                r.ratio(),
                r.peakRssMib());
        out.flush();
        return 0;
    }
}
