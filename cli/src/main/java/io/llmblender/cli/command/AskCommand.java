package io.llmblender.cli.command;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.cli.Ensembles;
import io.llmblender.orchestrator.BestOfNSampler;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import io.llmblender.runtime.DidYouMean;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blender ask}: one question to the configured ensemble. */
@Command(
        name = "ask",
        mixinStandardHelpOptions = true,
        description = "Asks every member of the ensemble in --config, ranks the answers and returns the best (or the"
                + " fusion of the best).")
public final class AskCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the ensemble's JSON configuration")
    Path config;

    @Option(names = "--trace", description = "also print every member's outcome, latency, score and rank")
    boolean trace;

    @Option(
            names = "--best-of",
            paramLabel = "N",
            description = "instead of asking every member, sample N answers from one member (--member) and return"
                    + " the best by the configured ranker (Python's best_of_n_generate; temperature 0.7 and top-p 1.0"
                    + " unless the member sets them)")
    Integer bestOf;

    @Option(
            names = "--member",
            paramLabel = "NAME",
            description = "with --best-of: the member to sample (optional when the config has only one)")
    String member;

    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "the question (words are joined with spaces)")
    List<String> question;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (bestOf == null && member != null) {
            throw new IllegalArgumentException("--member names the member --best-of N samples; give --best-of too");
        }
        if (bestOf != null && bestOf < 1) {
            throw new IllegalArgumentException("--best-of " + bestOf + " samples nothing; give N >= 1");
        }
        try (Ensembles ensemble = Ensembles.fromConfig(config)) {
            if (bestOf != null) {
                return bestOf(ensemble, String.join(" ", question), out);
            }
            BlendResult r = ensemble.blender().blend(String.join(" ", question));
            out.println(r.answer());
            if (trace) {
                printTrace(out, r.trace());
            }
        }
        out.flush();
        return 0;
    }

    /** {@code --best-of N}: N samples from one member, the best by the ensemble's selector. */
    private int bestOf(Ensembles ensemble, String text, PrintWriter out) {
        Map<String, ChatModel> members = ensemble.members();
        String name = member;
        if (name == null && members.size() != 1) {
            throw new IllegalArgumentException("--best-of samples one member; name it with --member (one of "
                    + String.join(", ", members.keySet()) + ")");
        }
        if (name == null) {
            name = members.keySet().iterator().next();
        }
        if (!members.containsKey(name)) {
            throw new IllegalArgumentException("--member '" + name + "' is not in " + config + "; the members are "
                    + String.join(", ", members.keySet())
                    + DidYouMean.nearest(name, members.keySet())
                            .map(n -> "; did you mean " + n + "?")
                            .orElse(""));
        }
        BestOfNSampler.Result r = new BestOfNSampler(
                        members.get(name), ensemble.selector(), bestOf, BestOfNSampler.Sampling.TOP_P)
                .sample(ChatRequest.builder().messages(UserMessage.from(text)).build());
        out.println(r.answer());
        if (trace) {
            out.println();
            out.println("| sample | chosen | answer |");
            out.println("|---:|---|---|");
            for (int i = 0; i < r.samples().size(); i++) {
                out.printf(
                        "| %d | %s | %s |%n",
                        i,
                        i == r.best() ? "yes" : "",
                        DemoCommand.shorten(r.samples().get(i), 60).replace("|", "/"));
            }
        }
        out.flush();
        return 0;
    }

    static void printTrace(PrintWriter out, Trace t) {
        out.println();
        out.println("| member | outcome | attempts | ms | score | rank |");
        out.println("|---|---|---:|---:|---:|---:|");
        for (MemberOutcome o : t.outcomes()) {
            String outcome;
            if (o instanceof MemberOutcome.Answered a) {
                outcome = "answered: " + DemoCommand.shorten(a.text(), 50);
            } else if (o instanceof MemberOutcome.Failed f) {
                outcome = "failed: " + f.errorType() + ": " + DemoCommand.shorten(f.reason(), 50);
            } else {
                outcome = "abandoned: " + ((MemberOutcome.Abandoned) o).reason();
            }
            Float score = t.scores().get(o.member());
            Integer rank = t.ranks().get(o.member());
            out.printf(
                    "| %s | %s | %d | %d | %s | %s |%n",
                    o.member(),
                    outcome.replace("|", "/"),
                    o.attempts(),
                    o.latency().toMillis(),
                    score == null ? "" : String.format("%+.4f", score),
                    rank == null ? "" : rank);
        }
        out.println();
        out.println("chosen: " + t.chosen().orElse(t.fusedFrom().isEmpty() ? "-" : "fusion of " + t.fusedFrom())
                + "; stages "
                + t.stages().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms")
                        .toList());
        t.notes().forEach(n -> out.println("note: " + n));
    }
}
