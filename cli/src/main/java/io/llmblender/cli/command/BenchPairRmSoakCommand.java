package io.llmblender.cli.command;

import io.llmblender.cli.bench.RankerSoak;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.PairRankerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench soak-pairrm}: many concurrent compare calls on one PairRM; memory must stay flat. */
@Command(
        name = "soak-pairrm",
        mixinStandardHelpOptions = true,
        description = "Runs --calls compare calls from --threads threads on one PairRM model (default: the project's"
                + " tiny pairrm-e2e copy) and samples the RSS and the model's live native arrays every 1,000 calls."
                + " Passes (exit 0) when, after the warm-up, the array count is unchanged and the RSS grew by less"
                + " than --max-growth MiB.")
public final class BenchPairRmSoakCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            defaultValue = "ranker/src/test/resources/fixtures/pairrm-e2e",
            description = "a PairRM folder (default: ${DEFAULT-VALUE})")
    Path model;

    @Option(
            names = "--calls",
            defaultValue = "15000",
            description = "compare calls, warm-up included (default: ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--threads", defaultValue = "4", description = "calling threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--warmup",
            defaultValue = "5000",
            description = "calls before memory is measured: the allocator's arenas grow to a plateau over the first"
                    + " few thousand concurrent calls (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--max-growth",
            defaultValue = "32",
            paramLabel = "MiB",
            description = "RSS growth after the warm-up that still passes (default: ${DEFAULT-VALUE})")
    int maxGrowth;

    @Override
    public Integer call() throws Exception {
        if (calls < 2 || threads < 1 || warmup < 1 || warmup >= calls) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--calls >= 2, --threads >= 1 and 1 <= --warmup < --calls");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (PairRanker ranker = PairRanker.load(model, PairRankerOptions.DEFAULT)) {
            RankerSoak.Report r = RankerSoak.run(ranker, calls, threads, warmup, line -> {
                err.println(line);
                err.flush();
            });
            boolean arraysFlat = r.arraysAtEnd() == r.arraysAfterWarmup();
            boolean rssFlat = r.rssAtEndMib() - r.rssAfterWarmupMib() < maxGrowth;
            out.printf(
                    "%,d compare calls from %d threads in %.1f s (%.0f calls/s)%n",
                    r.calls(), r.threads(), r.seconds(), r.calls() / r.seconds());
            out.printf(
                    "model arrays after warm-up %d, at the end %d: %s%n",
                    r.arraysAfterWarmup(), r.arraysAtEnd(), arraysFlat ? "flat" : "GREW");
            out.printf(
                    "RSS after warm-up %d MiB, at the end %d MiB (%.2f MiB per 1,000 calls): %s%n",
                    r.rssAfterWarmupMib(), r.rssAtEndMib(), r.rssGrowthMibPer1000(), rssFlat ? "flat" : "GREW");
            out.flush();
            return arraysFlat && rssFlat ? 0 : 1;
        }
    }
}
