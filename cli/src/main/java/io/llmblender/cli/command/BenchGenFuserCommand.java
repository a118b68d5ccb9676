package io.llmblender.cli.command;

import io.llmblender.cli.bench.BenchPrecisions;
import io.llmblender.cli.bench.ChildJvm;
import io.llmblender.cli.bench.GenFuserBenchmark;
import io.llmblender.cli.bench.Machine;
import io.llmblender.fuser.t5.T5Config;
import io.llmblender.runtime.kernel.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench genfuser}: a whole GenFuser-3B beam-search decode on random weights, per precision. */
@Command(
        name = "genfuser",
        mixinStandardHelpOptions = true,
        description = "Runs GenFuser's encoder and a whole beam-search decode (scoring, cache reordering, decoder"
                + " steps) at GenFuser-3B shapes (d_model 2048, 24+24 layers, 32 heads, d_ff 5120, vocab 32128) on"
                + " random weights, each precision in its own JVM against its own matmul. EOS is outside the"
                + " vocabulary, so every decode runs all its steps. Prints encoder ms, median step ms, GFLOP/s,"
                + " weight GB/s, peak RSS growth above the RSS before the weights were built, and RSS growth per step"
                + " after the warm-up. Needs about 12 GiB of memory in fp32 at full size, 6 GiB in bf16.")
public final class BenchGenFuserCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--precision",
            split = ",",
            paramLabel = "P",
            description = "precisions to measure, each in its own JVM: fp32, bf16 (default: both where the CPU has"
                    + " bf16 units, else fp32; bf16 on other CPUs is emulated and slow)")
    List<String> precisions;

    @Option(
            names = "--input-tokens",
            defaultValue = "512",
            description = "fusion text length (default: ${DEFAULT-VALUE})")
    int inputTokens;

    @Option(names = "--beams", defaultValue = "4", description = "beams decoded together (default: ${DEFAULT-VALUE})")
    int beams;

    @Option(names = "--steps", defaultValue = "32", description = "decode steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--bf16-steps",
            description = "decode steps of the bf16 run (default: --steps; fewer where bf16 is emulated)")
    Integer bf16Steps;

    @Option(
            names = "--warmup",
            defaultValue = "4",
            description = "steps left out of the median and the per-step RSS growth (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--matmul",
            defaultValue = "2048",
            description = "side of the yardstick matmul (default: ${DEFAULT-VALUE})")
    int matmul;

    @Option(names = "--d-model", defaultValue = "2048", description = "model shape (default: ${DEFAULT-VALUE})")
    int dModel;

    @Option(
            names = "--layers",
            defaultValue = "24",
            description = "encoder and decoder layers each (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--heads", defaultValue = "32", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--d-kv", defaultValue = "64", description = "head size (default: ${DEFAULT-VALUE})")
    int dKv;

    @Option(names = "--d-ff", defaultValue = "5120", description = "feed-forward size (default: ${DEFAULT-VALUE})")
    int dFf;

    @Option(names = "--vocab", defaultValue = "32128", description = "vocabulary (default: ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers to FILE as JSON")
    Path json;

    @Option(names = "--child-json", hidden = true, description = "internal: run one precision here, write FILE")
    Path childJson;

    @Override
    public Integer call() throws IOException {
        int bf16 = bf16Steps == null ? steps : bf16Steps;
        if (inputTokens < 2 || beams < 1 || warmup < 0 || Math.min(steps, bf16) < warmup + 2) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "need --input-tokens >= 2, --beams >= 1, --warmup >= 0, and --steps (and --bf16-steps) at least"
                            + " --warmup + 2");
        }
        // Flan-T5-XL's shapes, untied head; eos_token_id = vocab: no logit can choose it, so no beam finishes
        T5Config config =
                new T5Config(vocab, dModel, dKv, dFf, layers, layers, heads, 32, 128, 1e-6f, true, false, 0, vocab, 0);
        GenFuserBenchmark bench = new GenFuserBenchmark(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Precision> chosen = BenchPrecisions.parse(precisions, spec.commandLine());
        if (childJson != null) {
            Precision p = chosen.get(0);
            int n = p == Precision.BF16 ? bf16 : steps;
            ChildJvm.write(childJson, bench.run(p, inputTokens, beams, n, warmup, matmul, err::println));
            return 0;
        }
        List<GenFuserBenchmark.Run> runs = new ArrayList<>();
        for (Precision p : chosen) {
            err.println("== " + BenchPrecisions.name(p) + " (own JVM) ==");
            err.flush();
            List<String> args = new ArrayList<>(List.of("bench", "genfuser", "--precision", BenchPrecisions.name(p)));
            for (Map.Entry<String, Integer> e : childOptions(bf16).entrySet()) {
                args.add(e.getKey());
                args.add(e.getValue().toString());
            }
            runs.add(ChildJvm.runRow(args, err, GenFuserBenchmark.Run.class));
        }
        Machine machine = runs.get(0).machine();
        out.println(bench.model() + "; " + inputTokens + " input tokens, " + beams + " beams");
        out.println(machine.describe());
        out.println();
        out.println("| precision | stage | ms | GFLOP/s | matmul GFLOP/s | / matmul | weight GB/s | peak RSS growth MiB"
                + " | RSS growth MiB/step |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (GenFuserBenchmark.Run run : runs) {
            for (GenFuserBenchmark.Row r : run.rows()) {
                out.printf(
                        Locale.ROOT,
                        "| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %s |%n",
                        r.precision(),
                        r.stage(),
                        r.ms(),
                        r.gflops(),
                        r.matmulGflops(),
                        r.gflops() / r.matmulGflops(),
                        r.weightGbps(),
                        r.peakRssGrowthMib(),
                        r.rssGrowthMibPerStep() == null
                                ? "–"
                                : String.format(Locale.ROOT, "%.3f", r.rssGrowthMibPerStep()));
            }
        }
        for (GenFuserBenchmark.Run run : runs) {
            out.printf(
                    Locale.ROOT,
                    "%s: weights %d MiB resident (built in %.1f s); %d decode steps%n",
                    run.precision(),
                    run.weightBytes() >> 20,
                    run.buildSeconds(),
                    run.stepMs().length + 1);
        }
        if (runs.size() == 2) {
            out.printf(
                    Locale.ROOT,
                    "decoder step: %s / %s = %.2f%n",
                    runs.get(1).precision(),
                    runs.get(0).precision(),
                    runs.get(1).rows().get(1).ms() / runs.get(0).rows().get(1).ms());
        }
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("machine", machine);
            report.put("model", bench.model());
            List<GenFuserBenchmark.Row> rows = new ArrayList<>();
            runs.forEach(r -> rows.addAll(r.rows()));
            report.put("rows", rows);
            ChildJvm.write(json, report);
            out.println();
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    /** Every option a child needs to run the same benchmark. */
    private Map<String, Integer> childOptions(int bf16) {
        Map<String, Integer> o = new LinkedHashMap<>();
        o.put("--input-tokens", inputTokens);
        o.put("--beams", beams);
        o.put("--steps", steps);
        o.put("--bf16-steps", bf16);
        o.put("--warmup", warmup);
        o.put("--matmul", matmul);
        o.put("--d-model", dModel);
        o.put("--layers", layers);
        o.put("--heads", heads);
        o.put("--d-kv", dKv);
        o.put("--d-ff", dFf);
        o.put("--vocab", vocab);
        return o;
    }
}
