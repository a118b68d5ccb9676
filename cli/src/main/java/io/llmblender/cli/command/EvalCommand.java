package io.llmblender.cli.command;

import io.llmblender.cli.option.FuserOption;
import io.llmblender.consensus.ConsensusRanker;
import io.llmblender.eval.LlmJudge;
import io.llmblender.eval.PairLogits;
import io.llmblender.eval.PairwiseJudge;
import io.llmblender.eval.ResultCache;
import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.eval.data.Benchmarks;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.eval.metric.Agreement;
import io.llmblender.eval.metric.EnsembleGain;
import io.llmblender.eval.metric.SelectorRun;
import io.llmblender.eval.report.AgreementReport;
import io.llmblender.eval.report.GainReport;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranker;
import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.hub.HubClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blender eval}: a ranker's agreement with human preference labels. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Measures PairRM's agreement with human labels on autoj (Auto-J pairwise, both orders, by group),"
                + " hhh (HHH alignment, by subset), hhrlhf (HH-RLHF harmless-base test) or pairwise (your own JSONL);"
                + " or ensemble gains on alpaca (AlpacaEval recorded outputs). Writes report.md, report.json and a PNG"
                + " chart, with the PairRM card's published rows beside the measured ones.")
public final class EvalCommand implements Callable<Integer> {
    enum Benchmark {
        autoj,
        hhh,
        hhrlhf,
        pairwise,
        alpaca
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "BENCHMARK", description = "autoj, hhh, hhrlhf, pairwise or alpaca")
    Benchmark benchmark;

    @Option(
            names = {"--model", "--ranker"},
            paramLabel = "DIR_OR_HUB_ID",
            description = "the PairRM to evaluate (required except for alpaca, where it adds a PairRM selector);"
                    + " --ranker is the older name")
    String ranker;

    @Option(
            names = "--pool",
            defaultValue = "mixed",
            description = "alpaca: weak, mixed, strong, or a comma list of models")
    String pool;

    @Option(names = "--judge", defaultValue = "AE1", description = "alpaca: AE1 or AE2 (default: ${DEFAULT-VALUE})")
    AlpacaEval.Judge judge;

    @Option(names = "--consensus", description = "alpaca: also run the offline consensus ranker as a selector")
    boolean consensus;

    @Option(
            names = "--llm-judge",
            paramLabel = "chat:openai:MODEL[@BASE_URL]",
            description = "alpaca: also select with an LLM judge (pairwise, every ordered pair)")
    String llmJudge;

    @Option(
            names = "--data",
            defaultValue = "../shared/data",
            paramLabel = "DIR",
            description = "folder laid out like shared/data (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--download", description = "download missing benchmark files that have a public source, once")
    boolean download;

    @Option(
            names = "--file",
            paramLabel = "JSONL",
            description = "for pairwise: {prompt, response_a, response_b, label}")
    Path file;

    @Option(
            names = "--protocol",
            defaultValue = "both-orders",
            description = "autoj/pairwise: both-orders (Auto-J's pairwise protocol, default) or threshold (the"
                    + " position-debiased logit f(a,b) − f(b,a) with a tie threshold searched on the test set, as Auto-J"
                    + " did for reward models)")
    String protocol;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N items (0 = all)")
    int limit;

    @Option(
            names = {"--output", "--out"},
            paramLabel = "DIR",
            description = "where the report and the resumable cache go (default: eval-report/BENCHMARK under the"
                    + " working directory); --out is the older name")
    Path out;

    @Override
    public Integer call() throws Exception {
        // a default the user did not choose must not surprise: the first line says where the files go
        boolean chosen = out != null;
        out = chosen
                ? out.toAbsolutePath()
                : Path.of(System.getProperty("user.dir")).resolve("eval-report").resolve(benchmark.name());
        spec.commandLine()
                .getOut()
                .println("writing the report to " + out
                        + (chosen ? "" : " (the default, under the working directory; --output DIR chooses another)"));
        Map<String, ProgressBar> bars = new HashMap<>();
        DataDirectory dir = new DataDirectory(
                data,
                !download
                        ? null
                        : HubClient.fromEnvironment(
                                System.getenv(),
                                (f, done, total) -> bars.computeIfAbsent(
                                                f,
                                                k -> new ProgressBar(
                                                        spec.commandLine().getErr(), "Downloading " + k, true))
                                        .update(done, total)));
        if (benchmark == Benchmark.alpaca) {
            return alpaca(dir);
        }
        if (ranker == null) {
            throw new IllegalArgumentException(benchmark + " needs --model <PairRM folder or hub id>");
        }
        List<PairwiseItem> items = switch (benchmark) {
            case autoj -> Benchmarks.autoJ(dir);
            case hhh -> Benchmarks.hhh(dir);
            case hhrlhf -> Benchmarks.hhRlhf(dir);
            case alpaca -> throw new IllegalStateException();
            case pairwise -> {
                if (file == null || !Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(
                            "pairwise needs --file <JSONL> of {prompt, response_a, response_b, label}");
                }
                yield Benchmarks.pairwiseJsonl(file);
            }
        };
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, "Judging pairs", false);
        // per-item logits are cached under the ranker's identity: an interrupted run resumes where it stopped
        String model = identity(ranker);
        try (PairRanker pairRm = PairRanker.load(ranker);
                ResultCache cache =
                        ResultCache.open(out.resolve("cache").resolve("agreement-" + benchmark + ".jsonl"))) {
            PairRanker judged = pairRm.withOptions(pairRm.options().withProgress(bar::update));
            Agreement.Result r;
            Map<String, String> columns;
            String overall;
            List<AgreementReport.Published> published;
            if (benchmark == Benchmark.hhh || benchmark == Benchmark.hhrlhf) {
                // accuracy: both orders in one logit, f(chosen, rejected) − f(rejected, chosen) > 0 prefers chosen
                r = Agreement.onePass(
                        items,
                        PairwiseJudge.verdicts(
                                PairLogits.compare(judged, model, items, CompareMode.BOTH, false, cache)));
                columns = benchmark == Benchmark.hhh ? Benchmarks.HHH_COLUMNS : Map.of("harmless", "Harmless");
                overall = benchmark == Benchmark.hhh ? "Total Avg." : "Accuracy";
                published = benchmark == Benchmark.hhh ? AgreementReport.HHH_PUBLISHED : List.of();
            } else if (protocol.equals("threshold")) {
                float[] logits = PairLogits.compare(judged, model, items, CompareMode.BOTH, false, cache);
                double[] d = new double[logits.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = logits[i];
                }
                r = Agreement.scalarThreshold(items, d, new double[d.length]);
                columns = benchmark == Benchmark.autoj ? Benchmarks.AUTOJ_COLUMNS : groupsOf(items);
                overall = "Overall";
                published = benchmark == Benchmark.autoj ? AgreementReport.AUTOJ_PUBLISHED : List.of();
            } else if (protocol.equals("both-orders")) {
                PairwiseJudge judge = PairwiseJudge.pairRm(judged, model, cache);
                r = Agreement.bothOrders(items, judge.judge(items, false), judge.judge(items, true));
                columns = benchmark == Benchmark.autoj ? Benchmarks.AUTOJ_COLUMNS : groupsOf(items);
                overall = "Overall";
                published = benchmark == Benchmark.autoj ? AgreementReport.AUTOJ_PUBLISHED : List.of();
            } else {
                throw new IllegalArgumentException("--protocol is both-orders or threshold, not " + protocol);
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("ranker", ranker);
            settings.put(
                    "protocol",
                    benchmark == Benchmark.hhh || benchmark == Benchmark.hhrlhf
                            ? "one logit, both orders summed"
                            : protocol.equals("threshold")
                                    ? "threshold on f(a,b) − f(b,a), tuned on this test set"
                                    : "both orders (Auto-J)");
            settings.put("limit", limit);
            AgreementReport.write(out, benchmark.name(), "PairRM " + ranker, r, columns, overall, published, settings);
            PrintWriter o = spec.commandLine().getOut();
            o.print(Files.readString(out.resolve("report.md")));
            o.println();
            o.println("wrote " + out.resolve("report.md") + " and " + out.resolve("report.json"));
            o.flush();
        }
        return 0;
    }

    private int alpaca(DataDirectory dir) throws Exception {
        AlpacaEval ae = AlpacaEval.load(dir, judge);
        List<String> models =
                EnsembleGain.POOLS.containsKey(pool) ? EnsembleGain.POOLS.get(pool) : List.of(pool.split(","));
        Map<String, Ranker> rankers = new LinkedHashMap<>();
        Map<String, LongSupplier> counters = new LinkedHashMap<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            if (consensus) {
                rankers.put("consensus", new ConsensusRanker());
            }
            if (llmJudge != null) {
                if (!llmJudge.startsWith("chat:")) {
                    throw new IllegalArgumentException(
                            "--llm-judge takes chat:openai:MODEL[@BASE_URL], not " + llmJudge);
                }
                rankers.put(
                        "LLM judge",
                        new LlmJudge(FuserOption.chatModel(llmJudge.substring("chat:".length()), "--llm-judge chat:")));
            }
            if (ranker != null) {
                PairRanker p = PairRanker.load(ranker);
                owned.add(p);
                // PairRM's cost: the pair rows its forward passes scored (distinct rows per call)
                AtomicLong rows = new AtomicLong();
                rankers.put("PairRM", p.withOptions(p.options().withProgress((done, total) -> {
                    if (done == total) {
                        rows.addAndGet(total);
                    }
                })));
                counters.put("PairRM", rows::get);
            }
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "Selecting", false);
            SelectorRun.Result r;
            // picks are cached per ranker and instruction: an interrupted run resumes where it stopped. The file is
            // named after the weights and the judge given, so other weights under the same selector name start afresh.
            String weights = (ranker == null ? "" : identity(ranker)) + "|" + (llmJudge == null ? "" : llmJudge);
            try (ResultCache cache = ResultCache.open(out.resolve("cache")
                    .resolve("alpaca-picks-" + String.format("%08x", weights.hashCode()) + ".jsonl"))) {
                r = SelectorRun.run(ae, models, rankers, limit, 7L, bar::update, cache, counters);
            }
            GainReport.write(out, judge.name(), models, r);
            PrintWriter o = spec.commandLine().getOut();
            o.print(Files.readString(out.resolve("report.md")));
            o.println("wrote " + out.resolve("report.md") + " and " + out.resolve("report.json"));
            o.flush();
            return 0;
        } finally {
            for (AutoCloseable a : owned) {
                a.close();
            }
        }
    }

    private static Map<String, String> groupsOf(List<PairwiseItem> items) {
        Map<String, String> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(i.group(), i.group()));
        return m;
    }

    /** What names a ranker's weights: its folder as an absolute path, or the hub id as given. */
    private static String identity(String ranker) {
        Path p = Path.of(ranker);
        return Files.exists(p) ? p.toAbsolutePath().normalize().toString() : ranker;
    }
}
