package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.adapters.replay.ReplayChatModel;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.consensus.ConsensusRanker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender demo}: the whole ensemble, offline, on recorded answers of real models. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the ensemble offline: five replayed MT-bench members (gpt-4, gpt-3.5-turbo, claude-v1,"
                + " vicuna-13b-v1.3, alpaca-13b) answer a question, a ranker orders the answers, the best is returned.")
public final class DemoCommand implements Callable<Integer> {
    static final List<String> MODELS = List.of("gpt-4", "gpt-3.5-turbo", "claude-v1", "vicuna-13b-v1.3", "alpaca-13b");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR_OR_HUB_ID",
            description = "rank with this PairRM; without it the offline consensus ranker (all-MiniLM-L6-v2) is used")
    String model;

    @Option(names = "--question", defaultValue = "0", description = "which of the 8 bundled questions, 0-7 (default: ${DEFAULT-VALUE})")
    int question;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path data = extract();
        List<String> questions = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("question.jsonl"))) {
            JsonNode q = new ObjectMapper().readTree(line);
            questions.add(q.get("turns").get(0).asText());
        }
        if (question < 0 || question >= questions.size()) {
            throw new IllegalArgumentException("--question must be 0.." + (questions.size() - 1) + ", was " + question);
        }
        Ranker ranker = model == null ? new ConsensusRanker() : PairRanker.load(model);
        Blender.Builder builder = Blender.builder().ranker(ranker);
        for (String m : MODELS) {
            builder.member(m, ReplayChatModel.fromMtBench(data.resolve("question.jsonl"),
                    data.resolve("model_answer").resolve(m + ".jsonl")));
        }
        String prompt = questions.get(question);
        try (Blender blender = builder.build()) {
            BlendResult r = blender.blend(prompt);
            Trace t = r.trace();
            out.println("Question: " + prompt);
            out.println();
            out.println("Ranker: " + (model == null ? "offline consensus (all-MiniLM-L6-v2; a baseline, not PairRM)"
                    : "PairRM " + model));
            out.println();
            out.println("| rank | member | score | ms | answer |");
            out.println("|---:|---|---:|---:|---|");
            for (MemberOutcome o : t.outcomes()) {
                if (o instanceof MemberOutcome.Answered a) {
                    out.printf("| %d | %s | %+.4f | %d | %s |%n", t.ranks().getOrDefault(a.member(), 1), a.member(),
                            t.scores().getOrDefault(a.member(), 0f), a.latency().toMillis(), shorten(a.text(), 70));
                } else {
                    out.printf("| - | %s | | %d | (%s) |%n", o.member(), o.latency().toMillis(), o);
                }
            }
            out.println();
            out.println("Chosen: " + t.chosen().orElse("(fused)"));
            out.println(r.answer());
        } finally {
            if (ranker instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        out.flush();
        return 0;
    }

    static String shorten(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    /** Copies the bundled MT-bench subset out of the jar into a temporary folder. */
    static Path extract() throws IOException {
        Path dir = Files.createTempDirectory("blender-demo");
        dir.toFile().deleteOnExit();
        Files.createDirectories(dir.resolve("model_answer"));
        List<String> files = new ArrayList<>(List.of("question.jsonl"));
        MODELS.forEach(m -> files.add("model_answer/" + m + ".jsonl"));
        for (String f : files) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/mt_bench/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("the demo data /demo/mt_bench/" + f + " is missing from the build");
                }
                Files.copy(in, dir.resolve(f));
            }
            dir.resolve(f).toFile().deleteOnExit();
        }
        return dir;
    }
}
