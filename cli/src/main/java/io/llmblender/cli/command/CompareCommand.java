package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.batch.CompareJob;
import io.llmblender.cli.option.BatchOptions;
import io.llmblender.cli.option.Choices;
import io.llmblender.cli.option.InputOptions;
import io.llmblender.cli.option.ModelOption;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.RankingModel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender compare}: which of two answers PairRM prefers. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Compares answer A with answer B to one input with PairRM.")
public final class CompareCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOption model;

    @CommandLine.Mixin
    InputOptions prompt;

    @Option(
            names = {"-a"},
            paramLabel = "TEXT",
            description = "answer A (required unless --batch)")
    String a;

    @Option(
            names = {"-b"},
            paramLabel = "TEXT",
            description = "answer B (required unless --batch)")
    String b;

    @Option(
            names = "--mode",
            defaultValue = "[A,B]+[B,A]",
            description = "[A,B], [B,A] or [A,B]+[B,A] (default:"
                    + " both orders, position-debiased). Signs as the reference: [B,A] > 0 means B is better")
    String mode;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @CommandLine.Mixin
    BatchOptions batch;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CompareMode m = Choices.compareMode("--mode", mode);
        if (batch.active()) {
            for (String[] given : new String[][] {
                {"--input", prompt.input}, {"--instruction", prompt.instruction}, {"-a", a}, {"-b", b}
            }) {
                batch.refuseWith(given[0], given[1]);
            }
            PrintWriter err = spec.commandLine().getErr();
            try (RankingModel ranker = model.load(err, PairRankerOptions.DEFAULT_SEED, false)) {
                return batch.run(new CompareJob(ranker, m), err);
            }
        }
        if (a == null || b == null) {
            throw new IllegalArgumentException("Missing required options: '-a=TEXT' and '-b=TEXT' (or --batch)");
        }
        String input = prompt.input();
        try (RankingModel ranker = model.load(spec.commandLine().getErr())) {
            Comparison c = ranker.compare(new Item(prompt.instruction, input, List.of(a, b)), m);
            float logit = c.logit();
            boolean aBetter = c.aBetter();
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("mode", m.python());
                r.put("logit", logit);
                r.put("result", logit > 0);
                r.put("better", logit == 0 ? "tie" : aBetter ? "A" : "B");
                out.println(new ObjectMapper().writeValueAsString(r));
            } else {
                out.printf(
                        "%s is better (logit %+.4f, mode %s)%n",
                        logit == 0 ? "neither" : aBetter ? "A" : "B", logit, m.python());
            }
        }
        out.flush();
        return 0;
    }
}
