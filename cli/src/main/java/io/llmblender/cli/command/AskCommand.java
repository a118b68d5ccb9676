package io.llmblender.cli.command;

import io.llmblender.cli.Ensembles;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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

    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "the question (words are joined with spaces)")
    List<String> question;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Ensembles ensemble = Ensembles.fromConfig(config)) {
            BlendResult r = ensemble.blender().blend(String.join(" ", question));
            out.println(r.answer());
            if (trace) {
                printTrace(out, r.trace());
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
