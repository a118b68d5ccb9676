package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.cli.option.CandidatesOption;
import io.llmblender.cli.option.Choices;
import io.llmblender.cli.option.InputOptions;
import io.llmblender.cli.option.ModelOption;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.ReferenceMode;
import io.llmblender.ranker.select.ReferenceRewards;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code blender rank-with-ref}: a scalar reward per candidate against a reference answer, Python's
 * {@code rank_with_ref}: {@code f(c, ref) − f(ref, c)}, 2 pair rows per candidate instead of C·(C−1).
 */
@Command(
        name = "rank-with-ref",
        mixinStandardHelpOptions = true,
        description = "Scores each candidate against a reference answer with PairRM (Python's rank_with_ref): the"
                + " reference is picked among the candidates by --ref-mode, or given with --ref.")
public final class RankWithRefCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOption model;

    @CommandLine.Mixin
    InputOptions prompt;

    @CommandLine.Mixin
    CandidatesOption candidates;

    @Option(
            names = "--ref-mode",
            paramLabel = "MODE",
            description = "which candidate is the reference: longest (default), shortest, median_length, first or"
                    + " last (lengths in code points, as Python's len)")
    String refMode;

    @Option(
            names = "--ref",
            paramLabel = "TEXT",
            description = "the reference answer itself (Python's ref_candidates); not with --ref-mode")
    String ref;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (ref != null && refMode != null) {
            // the reference lets ref_candidates silently win over ref_mode; one of them is a mistake
            throw new IllegalArgumentException("--ref and --ref-mode both name the reference; give one");
        }
        if (ref != null && ref.isBlank()) {
            throw new IllegalArgumentException("--ref is blank; give the reference answer's text");
        }
        ReferenceMode mode =
                ref != null ? null : Choices.referenceMode("--ref-mode", refMode == null ? "longest" : refMode);
        List<String> texts = candidates.read();
        Item item = new Item(prompt.instruction, prompt.input(), texts);
        PrintWriter out = spec.commandLine().getOut();
        Ranking r;
        try (RankingModel ranker = model.load(spec.commandLine().getErr())) {
            r = mode == null
                    ? ReferenceRewards.rank(ranker, List.of(item), List.of(ref)).get(0)
                    : ReferenceRewards.rank(ranker, List.of(item), mode).get(0);
        }
        Integer refIndex = mode == null ? null : mode.pick(texts);
        String refName = mode == null ? "--ref" : mode.python() + ", candidate " + refIndex;
        int[] order = r.order();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i : order) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", i);
                m.put("rank", r.ranks()[i]);
                m.put("score", r.scores()[i]);
                m.put("text", texts.get(i));
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ref_mode", mode == null ? null : mode.python());
            doc.put("reference_index", refIndex);
            doc.put("reference", mode == null ? ref : texts.get(refIndex));
            doc.put("ranking", rows);
            out.println(new ObjectMapper().writeValueAsString(doc));
        } else {
            out.println("reference: " + refName);
            for (int i : order) {
                out.printf("%d. [%d] %+.4f  %s%n", r.ranks()[i], i, r.scores()[i], RankCommand.oneLine(texts.get(i)));
            }
        }
        out.flush();
        return 0;
    }
}
