package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.batch.BatchFile;
import io.llmblender.batch.BatchRanker;
import io.llmblender.batch.RankJob;
import io.llmblender.batch.RecordRules;
import io.llmblender.cli.option.BatchOptions;
import io.llmblender.cli.option.CandidatesOption;
import io.llmblender.cli.option.Choices;
import io.llmblender.cli.option.InputOptions;
import io.llmblender.cli.option.ModelOption;
import io.llmblender.cli.option.SeedOption;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Strategy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender rank}: orders candidate answers, or picks the best one in O(n). */
@Command(
        name = "rank",
        mixinStandardHelpOptions = true,
        description = "Ranks candidate answers to one input with PairRM.")
public final class RankCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOption model;

    @CommandLine.Mixin
    InputOptions prompt;

    @CommandLine.Mixin
    CandidatesOption candidates;

    @Option(
            names = "--strategy",
            defaultValue = "full",
            description = "full: all C·(C-1) comparisons and a ranking (default); bubble: 2·(C-1) comparisons in"
                    + " C-1 passes, the best only; knockout: 2·(C-1) comparisons in ceil(log2 C) passes, the best"
                    + " only; top-k: the best --top-k by tournament selection")
    String strategy;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            description = "only the best K (K >= 1): with --strategy full or top-k (which needs it)")
    Integer topK;

    @CommandLine.Mixin
    SeedOption seed;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @CommandLine.Mixin
    BatchOptions batch;

    @Option(
            names = "--max-candidates",
            defaultValue = "64",
            paramLabel = "N",
            description = "with --batch: refuse records with more than N candidates (default 64)")
    int maxCandidates;

    @Override
    public Integer call() throws Exception {
        if (batch.active()) {
            return rankBatch();
        }
        List<String> texts = candidates.read();
        prompt.input(); // refused before the model loads
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        Strategy chosen = Choices.strategy("--strategy", strategy);
        checkTopK(chosen);
        try (RankingModel ranker = model.load(spec.commandLine().getErr(), seed.seed)) {
            Item item = new Item(prompt.instruction, prompt.input(), texts);
            if (!chosen.ranksAll()) {
                int k = topK == null ? 1 : topK;
                Selection r = ranker.selector(chosen).select(item, k);
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("best", r.bestIndex());
                    m.put("text", texts.get(r.bestIndex()));
                    m.put("top", r.best());
                    out.println(mapper.writeValueAsString(m));
                } else {
                    for (int place = 0; place < r.best().size(); place++) {
                        int i = r.best().get(place);
                        out.printf("%s: [%d] %s%n", place == 0 ? "best" : "#" + (place + 1), i, oneLine(texts.get(i)));
                    }
                }
            } else {
                Ranking r = ranker.rank(item);
                int k = topK == null ? texts.size() : Math.min(topK, texts.size());
                int[] order = r.order();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("index", order[i]);
                        m.put("rank", r.ranks()[order[i]]);
                        m.put("score", r.scores()[order[i]]);
                        m.put("text", texts.get(order[i]));
                        rows.add(m);
                    }
                    out.println(mapper.writeValueAsString(Map.of("ranking", rows)));
                } else {
                    for (int i = 0; i < k; i++) {
                        out.printf(
                                "%d. [%d] %+.4f  %s%n",
                                r.ranks()[order[i]], order[i], r.scores()[order[i]], oneLine(texts.get(order[i])));
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    /** {@code --batch}: every record of the file, results as JSONL; see {@link BatchFile}. */
    private int rankBatch() {
        batch.refuseWith("--input", prompt.input);
        batch.refuseWith("--instruction", prompt.instruction);
        batch.refuseWith("--candidates", candidates.candidates);
        batch.refuseWith("--json", json ? true : null);
        batch.refuseWith("--top-k", topK);
        Strategy chosen = Choices.strategy("--strategy", strategy);
        PrintWriter err = spec.commandLine().getErr();
        try (RankingModel ranker = model.load(err, seed.seed, false)) {
            BatchRanker batchRanker = new BatchRanker(ranker, chosen, seed.seed, false, false);
            return batch.run(new RankJob(batchRanker, new RecordRules(maxCandidates)), err);
        }
    }

    /** --top-k only where the strategy can place K answers; never silently ignored. */
    private void checkTopK(Strategy chosen) {
        if (topK != null && topK < 1) {
            throw new IllegalArgumentException(
                    "--top-k " + topK + " keeps no answer; give K >= 1, or leave --top-k out to see every candidate");
        }
        if (topK != null && !chosen.selectsTopK()) {
            throw new IllegalArgumentException("--top-k does not go with --strategy " + chosen.configName()
                    + ", which finds only the best; use --strategy full or top-k for the best K");
        }
        if (topK == null && chosen == Strategy.TOP_K) {
            throw new IllegalArgumentException("--strategy top-k needs --top-k K, the number of best answers to find");
        }
    }

    static String oneLine(String s) {
        String flat = s.replace('\n', ' ');
        return flat.length() > 100 ? flat.substring(0, 97) + "..." : flat;
    }
}
