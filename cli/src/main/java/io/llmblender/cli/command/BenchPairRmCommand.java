package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmblender.cli.bench.PairRmBenchmark;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.runtime.DjlRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench pairrm}: PairRM forward passes at full size on random weights. */
@Command(
        name = "pairrm",
        mixinStandardHelpOptions = true,
        description = "Times PairRM forward passes with the real model's shapes (24 layers, hidden 1024, 16 heads,"
                + " FF 4096, vocab 128005, position_buckets 256) on random weights, so no download is needed. Prints"
                + " the median seconds per forward, achieved GFLOP/s, the fp32 matmul GFLOP/s of this process, their"
                + " ratio and the peak RSS.")
public final class BenchPairRmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--shapes",
            split = ",",
            paramLabel = "BxL",
            description = "batch x tokens to measure (default: ${DEFAULT-VALUE})",
            defaultValue = "1x128,1x512,1x1024,1x2048,4x512")
    List<String> shapes;

    @Option(
            names = "--warmup",
            defaultValue = "1",
            description = "untimed passes per shape (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--reps", defaultValue = "3", description = "timed passes per shape (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(
            names = "--matmul",
            defaultValue = "2048",
            description = "side of the fp32 square matmul measured as the yardstick (default: ${DEFAULT-VALUE})")
    int matmul;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers to FILE as JSON")
    Path json;

    @Option(names = "--layers", defaultValue = "24", description = "model shape: layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(
            names = "--hidden",
            defaultValue = "1024",
            description = "model shape: hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(
            names = "--heads",
            defaultValue = "16",
            description = "model shape: attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(
            names = "--intermediate",
            defaultValue = "4096",
            description = "model shape: feed-forward size (default: ${DEFAULT-VALUE})")
    int intermediate;

    @Option(
            names = "--vocab",
            defaultValue = "128005",
            description = "model shape: vocabulary (default: ${DEFAULT-VALUE})")
    int vocab;

    @Option(
            names = "--buckets",
            defaultValue = "256",
            description = "model shape: position_buckets (default: ${DEFAULT-VALUE})")
    int buckets;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hidden % heads != 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--hidden " + hidden + " is not a multiple of --heads " + heads);
        }
        if (reps < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reps must be >= 1 and --warmup >= 0");
        }
        List<int[]> parsed = new ArrayList<>();
        for (String s : shapes) {
            String[] bl = s.trim().toLowerCase().split("x");
            try {
                parsed.add(new int[] {Integer.parseInt(bl[0]), Integer.parseInt(bl[1])});
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--shapes takes BATCHxTOKENS items such as 1x512, not '" + s + "'");
            }
        }
        DebertaV2Config config = new DebertaV2Config(
                vocab,
                hidden,
                layers,
                heads,
                hidden / heads,
                intermediate,
                1e-7f,
                512,
                512,
                buckets,
                Set.of("c2p", "p2c"),
                true,
                true);
        PairRmBenchmark bench = new PairRmBenchmark(config, warmup, reps);
        PairRmBenchmark.Report report = bench.run(parsed, matmul, line -> {
            err.println(line);
            err.flush();
        });

        out.println(report.model());
        out.printf(
                "PyTorch %s, %d intra-op threads; weights built in %.1f s%n",
                DjlRuntime.engineVersion(), report.threads(), report.loadSeconds());
        out.printf("fp32 %d² matmul in this process: %.1f GFLOP/s%n%n", matmul, report.matmulGflops());
        out.println("| batch | tokens | median s | GFLOP | GFLOP/s | / matmul | peak RSS MiB |");
        out.println("|------:|-------:|---------:|------:|--------:|---------:|-------------:|");
        for (PairRmBenchmark.Result r : report.results()) {
            out.printf(
                    "| %d | %d | %.3f | %.1f | %.1f | %.2f | %d |%n",
                    r.batch(),
                    r.tokens(),
                    r.medianSeconds(),
                    r.gflop(),
                    r.gflops(),
                    r.matmulRatio(),
                    r.peakRssBytes() >> 20);
        }
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            out.println();
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }
}
