package io.llmblender.cli.command;

import io.llmblender.cli.Ensembles;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender demo}: the whole ensemble, offline, on recorded answers of real models. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs the ensemble offline: five replayed MT-bench members (gpt-4, gpt-3.5-turbo, claude-v1,"
                + " vicuna-13b-v1.3, alpaca-13b) answer a question, a ranker orders the answers, the best is returned.")
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "DIR_OR_HUB_ID",
            description = "rank with this PairRM; without it the offline consensus ranker (all-MiniLM-L6-v2) is used")
    String model;

    @Option(
            names = "--question",
            defaultValue = "0",
            description = "which of the 8 bundled questions, 0-7 (default: ${DEFAULT-VALUE})")
    int question;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Ensembles ensemble = Ensembles.demo(model)) {
            List<String> questions = ensemble.prompts();
            if (question < 0 || question >= questions.size()) {
                throw new IllegalArgumentException(
                        "--question must be 0.." + (questions.size() - 1) + ", was " + question);
            }
            String prompt = questions.get(question);
            BlendResult r = ensemble.blender().blend(prompt);
            Trace t = r.trace();
            out.println("Question: " + prompt);
            out.println();
            out.println("Ranker: "
                    + (model == null
                            ? "offline consensus (all-MiniLM-L6-v2; a baseline, not PairRM)"
                            : "PairRM " + model));
            out.println();
            out.println("| rank | member | score | ms | answer |");
            out.println("|---:|---|---:|---:|---|");
            for (MemberOutcome o : t.outcomes()) {
                if (o instanceof MemberOutcome.Answered a) {
                    out.printf(
                            "| %d | %s | %+.4f | %d | %s |%n",
                            t.ranks().getOrDefault(a.member(), 1),
                            a.member(),
                            t.scores().getOrDefault(a.member(), 0f),
                            a.latency().toMillis(),
                            shorten(a.text(), 70));
                } else {
                    out.printf(
                            "| - | %s | | %d | (%s) |%n",
                            o.member(), o.latency().toMillis(), o);
                }
            }
            out.println();
            out.println("Chosen: " + t.chosen().orElse("(fused)"));
            out.println(r.answer());
        }
        out.flush();
        return 0;
    }

    static String shorten(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
