package io.llmblender.cli.command;

import io.llmblender.cli.bench.BenchPrecisions;
import io.llmblender.cli.bench.ChildJvm;
import io.llmblender.cli.bench.Machine;
import io.llmblender.cli.bench.PairRmBenchmark;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.runtime.kernel.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                + " FF 4096, vocab 128005, position_buckets 256) on random weights, so no download is needed, in each"
                + " precision in its own JVM. Prints the median seconds per forward, achieved GFLOP/s, the same"
                + " process's square-matmul GFLOP/s in that precision, their ratio, the peak RSS growth above the"
                + " RSS before the weights were built, and the largest logit difference between the precisions.")
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

    @Option(
            names = "--precision",
            split = ",",
            paramLabel = "P",
            description = "precisions to measure, each in its own JVM: fp32, bf16 (default: both where the CPU has"
                    + " bf16 units, else fp32; bf16 on other CPUs is emulated and slow)")
    List<String> precisions;

    @Option(names = "--child-json", hidden = true, description = "internal: run one precision here, write FILE")
    Path childJson;

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

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

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
        List<Precision> chosen = BenchPrecisions.parse(precisions, spec.commandLine());
        if (childJson != null) {
            ChildJvm.write(childJson, bench.run(chosen.get(0), parsed, matmul, err::println));
            return 0;
        }
        List<PairRmBenchmark.Run> runs = new ArrayList<>();
        for (Precision p : chosen) {
            err.println("== " + BenchPrecisions.name(p) + " (own JVM) ==");
            err.flush();
            List<String> args = new ArrayList<>(List.of(
                    "bench",
                    "pairrm",
                    "--precision",
                    BenchPrecisions.name(p),
                    "--shapes",
                    String.join(",", shapes),
                    "--warmup",
                    "" + warmup,
                    "--reps",
                    "" + reps,
                    "--matmul",
                    "" + matmul,
                    "--layers",
                    "" + layers,
                    "--hidden",
                    "" + hidden,
                    "--heads",
                    "" + heads,
                    "--intermediate",
                    "" + intermediate,
                    "--vocab",
                    "" + vocab,
                    "--buckets",
                    "" + buckets));
            runs.add(ChildJvm.runRow(args, err, PairRmBenchmark.Run.class));
        }
        Machine machine = runs.get(0).machine();
        out.println(bench.model());
        out.println(machine.describe());
        out.println();
        out.println(
                "| precision | batch | tokens | median s | GFLOP/s | matmul GFLOP/s | / matmul | peak RSS growth MiB |");
        out.println("|---|------:|-------:|---------:|--------:|------:|---------:|-------------:|");
        for (PairRmBenchmark.Run run : runs) {
            for (PairRmBenchmark.Row r : run.rows()) {
                out.printf(
                        "| %s | %d | %d | %.3f | %.1f | %.1f | %.2f | %d |%n",
                        r.precision(),
                        r.batch(),
                        r.tokens(),
                        r.medianS(),
                        r.gflops(),
                        r.matmulGflops(),
                        r.ratio(),
                        r.peakRssGrowthMib());
            }
        }
        for (PairRmBenchmark.Run run : runs) {
            out.printf(
                    "%s weights: %d MiB resident (built in %.1f s)%n",
                    run.precision(), run.weightBytes() >> 20, run.loadSeconds());
        }
        Double delta = null;
        if (runs.size() == 2) {
            delta = maxAbsDiff(runs.get(0).probeLogits(), runs.get(1).probeLogits());
            out.printf(
                    "max |Δlogit| %s vs %s on a (2,128) probe batch: %.3e%n",
                    runs.get(0).precision(), runs.get(1).precision(), delta);
            for (int i = 0;
                    i < runs.get(0).rows().size() && i < runs.get(1).rows().size();
                    i++) {
                PairRmBenchmark.Row a = runs.get(0).rows().get(i);
                PairRmBenchmark.Row b = runs.get(1).rows().get(i);
                out.printf(
                        "(%d,%d): %s time / %s time = %.2f%n",
                        a.batch(), a.tokens(), b.precision(), a.precision(), b.medianS() / a.medianS());
            }
        }
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("machine", machine);
            report.put("model", bench.model());
            List<PairRmBenchmark.Row> rows = new ArrayList<>();
            runs.forEach(r -> rows.addAll(r.rows()));
            report.put("rows", rows);
            report.put("max_abs_delta_logit", delta);
            ChildJvm.write(json, report);
            out.println();
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }
}
