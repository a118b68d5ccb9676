package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.cli.option.CandidatesOption;
import io.llmblender.cli.option.Choices;
import io.llmblender.cli.option.InputOptions;
import io.llmblender.cli.option.ModelOption;
import io.llmblender.cli.option.SeedOption;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.Strategy;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code blender best-of-n}: the best (or, with {@code --worst}, the worst) of given candidates, Python's
 * {@code get_best_of_n} / {@code get_worst_of_n}, through the {@link Selector} of a strategy. Prints the chosen
 * answer itself, as Python returns it.
 */
@Command(
        name = "best-of-n",
        mixinStandardHelpOptions = true,
        description = "Prints the best of the candidate answers (Python's get_best_of_n), or the worst with --worst"
                + " (get_worst_of_n). Bubble selection by default: 2·(C-1) comparisons instead of C·(C-1).")
public final class BestOfNCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOption model;

    @CommandLine.Mixin
    InputOptions prompt;

    @CommandLine.Mixin
    CandidatesOption candidates;

    @Option(names = "--worst", description = "the worst candidate instead (Python's get_worst_of_n)")
    boolean worst;

    @Option(
            names = "--strategy",
            defaultValue = "bubble",
            description = "bubble (default, as Python's pairrm_cmp_type), knockout (the same comparisons in"
                    + " ceil(log2 C) passes) or full (all C·(C-1) comparisons, Python's pairrm_cmp_type=\"full\")")
    String strategy;

    @CommandLine.Mixin
    SeedOption seed;

    @Option(names = "--json", description = "print {\"index\", \"text\"} as JSON instead of the answer")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Strategy chosen = Choices.strategy("--strategy", strategy);
        if (chosen == Strategy.TOP_K) {
            throw new IllegalArgumentException(
                    "--strategy top-k places the best K; best-of-n takes bubble, knockout or full (rank --top-k K"
                            + " gives the best K)");
        }
        List<String> texts = candidates.read();
        Item item = new Item(prompt.instruction, prompt.input(), texts);
        int index;
        try (RankingModel ranker = model.load(spec.commandLine().getErr(), seed.seed)) {
            Selector selector = ranker.selector(chosen);
            // one candidate is its own best and worst, with no comparison (as the reference returns c[0])
            index = texts.size() == 1 ? 0 : worst ? selector.worst(item) : selector.best(item);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(worst ? "worst" : "best", index);
            m.put("text", texts.get(index));
            m.put("strategy", chosen.configName());
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            out.println(texts.get(index));
        }
        out.flush();
        return 0;
    }
}
