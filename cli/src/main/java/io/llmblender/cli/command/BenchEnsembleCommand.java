package io.llmblender.cli.command;

import io.llmblender.cli.bench.ChildJvm;
import io.llmblender.cli.bench.EnsembleBenchmark;
import io.llmblender.cli.bench.Machine;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.runtime.kernel.CpuInfo;
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

/** {@code blender bench ensemble}: the demo's five answers ranked by a full-size PairRM, per strategy and precision. */
@Command(
        name = "ensemble",
        mixinStandardHelpOptions = true,
        description = "Ranks the demo's five recorded MT-bench answers to one question with a full-size PairRM-shaped"
                + " model on random weights (no download), for each strategy and precision, each in its own JVM:"
                + " wall seconds, forward passes, pair rows, padded tokens and peak RSS growth.")
public final class BenchEnsembleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--strategy",
            split = ",",
            defaultValue = "full,bubble,knockout",
            description = "strategies (default: ${DEFAULT-VALUE})")
    List<String> strategies;

    @Option(
            names = "--precision",
            split = ",",
            description = "precisions (default: fp32,bf16 where the CPU has bf16 units, else fp32; bf16 elsewhere is"
                    + " emulated and slow)")
    List<String> precisions;

    @Option(names = "--question", defaultValue = "0", description = "demo question 0..7 (default: ${DEFAULT-VALUE})")
    int question;

    @Option(
            names = "--tokenizer",
            defaultValue = "ranker/src/test/resources/fixtures/pairrm-e2e/tokenizer.json",
            description =
                    "a DeBERTa-v3 tokenizer.json with PairRM's markers (default: the project's copy, ${DEFAULT-VALUE})")
    Path tokenizer;

    @Option(names = "--layers", defaultValue = "24", description = "model layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers to FILE as JSON")
    Path json;

    @Option(names = "--child-json", hidden = true, description = "internal: run one row here, write FILE")
    Path childJson;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DebertaV2Config config = DebertaV2Config.debertaV3Large(128005);
        config = new DebertaV2Config(
                config.vocabSize(),
                config.hiddenSize(),
                layers,
                config.numAttentionHeads(),
                config.attentionHeadSize(),
                config.intermediateSize(),
                config.layerNormEps(),
                config.maxPositionEmbeddings(),
                config.maxRelativePositions(),
                config.positionBuckets(),
                config.posAttType(),
                config.shareAttKey(),
                config.normRelEmbeddings());
        List<Strategy> chosen = strategies.stream().map(Strategy::fromName).toList();
        List<Precision> chosenPrecisions = precisions();
        if (childJson != null) {
            ChildJvm.write(
                    childJson,
                    EnsembleBenchmark.run(
                            config,
                            tokenizer.toAbsolutePath(),
                            chosen.get(0),
                            chosenPrecisions.get(0),
                            question,
                            err::println));
            return 0;
        }
        Item item = EnsembleBenchmark.demoItem(question);
        List<EnsembleBenchmark.Run> runs = new ArrayList<>();
        for (Precision p : chosenPrecisions) {
            for (Strategy s : chosen) {
                String pn = p.name().toLowerCase(Locale.ROOT);
                err.println("== " + s.configName() + " + " + pn + " (own JVM) ==");
                err.flush();
                List<String> args = List.of(
                        "bench",
                        "ensemble",
                        "--strategy",
                        s.configName(),
                        "--precision",
                        pn,
                        "--question",
                        "" + question,
                        "--tokenizer",
                        tokenizer.toAbsolutePath().toString(),
                        "--layers",
                        "" + layers);
                runs.add(ChildJvm.runRow(args, err, EnsembleBenchmark.Run.class));
            }
        }
        Machine machine = runs.get(0).machine();
        out.printf("%d answers to demo question %d: %s%n", item.size(), question, oneLine(item.input()));
        out.println(
                "PairRM shapes: " + layers + " layers, hidden 1024, 16 heads, FF 4096, vocab 128005 (random weights)");
        out.println(machine.describe());
        out.println();
        out.println(
                "| strategy | precision | seconds | forwards | pair rows | padded tokens | peak RSS growth MiB | best |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (EnsembleBenchmark.Run run : runs) {
            EnsembleBenchmark.Row r = run.row();
            out.printf(
                    "| %s | %s | %.1f | %d | %d | %d | %d | %d |%n",
                    r.strategy(),
                    r.precision(),
                    r.seconds(),
                    r.forwards(),
                    r.pairRows(),
                    r.paddedTokens(),
                    r.peakRssGrowthMib(),
                    r.best());
        }
        EnsembleBenchmark.Row baseline = find(runs, "full", "fp32");
        if (baseline != null) {
            out.println();
            for (EnsembleBenchmark.Run run : runs) {
                EnsembleBenchmark.Row r = run.row();
                out.printf(
                        "%s + %s: %.2f of full + fp32's time%n",
                        r.strategy(), r.precision(), r.seconds() / baseline.seconds());
            }
        }
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("machine", machine);
            report.put("question", question);
            report.put("rows", runs.stream().map(EnsembleBenchmark.Run::row).toList());
            ChildJvm.write(json, report);
            out.println();
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    private List<Precision> precisions() {
        if (precisions == null || precisions.isEmpty()) {
            return CpuInfo.detect().hasBf16() ? List.of(Precision.FP32, Precision.BF16) : List.of(Precision.FP32);
        }
        return precisions.stream()
                .map(p -> Precision.parse(p, "--precision"))
                .peek(p -> {
                    if (p == Precision.AUTO) {
                        throw new CommandLine.ParameterException(
                                spec.commandLine(), "--precision takes fp32 and/or bf16; auto is not a measurement");
                    }
                })
                .toList();
    }

    private static EnsembleBenchmark.Row find(List<EnsembleBenchmark.Run> runs, String strategy, String precision) {
        return runs.stream()
                .map(EnsembleBenchmark.Run::row)
                .filter(r -> r.strategy().equals(strategy) && r.precision().equals(precision))
                .findFirst()
                .orElse(null);
    }

    private static String oneLine(String s) {
        String flat = s.replace('\n', ' ');
        return flat.length() > 90 ? flat.substring(0, 87) + "..." : flat;
    }
}
