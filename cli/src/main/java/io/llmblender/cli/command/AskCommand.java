package io.llmblender.cli.command;

import dev.langchain4j.model.chat.ChatModel;
import io.llmblender.adapters.EnsembleConfig;
import io.llmblender.adapters.MemberSpec;
import io.llmblender.adapters.Members;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.chat.ChatModelFuser;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.orchestrator.BlendPolicy;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.consensus.ConsensusRanker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blender ask}: one question to the configured ensemble. */
@Command(name = "ask", mixinStandardHelpOptions = true,
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
        EnsembleConfig c = EnsembleConfig.read(config);
        Map<String, ChatModel> members = new LinkedHashMap<>();
        for (MemberSpec m : c.members()) {
            members.put(m.name(), Members.build(m, System.getenv(), config));
        }
        List<AutoCloseable> owned = new ArrayList<>();
        Ranker ranker = c.rankerType().equals("pairrm") ? own(PairRanker.load(c.rankerModel()), owned) : new ConsensusRanker();
        Fuser fuser = switch (c.fuserType()) {
            case "genfuser" -> own(Files.isDirectory(Path.of(c.fuserModel())) ? GenFuser.load(Path.of(c.fuserModel()))
                    : GenFuser.fromHub(c.fuserModel(), io.llmblender.runtime.hub.HubClient.fromEnvironment(System.getenv(),
                            io.llmblender.runtime.hub.HubClient.Progress.NONE)), owned);
            case "chat" -> new ChatModelFuser(members.get(c.fuserMember()));
            default -> null;
        };
        Blender.Builder b = Blender.builder().ranker(ranker).fuser(fuser).topK(c.topK()).deadline(c.deadline())
                .policy(BlendPolicy.valueOf(c.policy().toUpperCase().replace('-', '_')));
        if (c.rankerStrategy().equals("bubble")) {
            b.bubble(7L);
        }
        if (c.quorum() != Integer.MAX_VALUE) {
            b.quorum(c.quorum());
        }
        for (MemberSpec m : c.members()) {
            b.member(m.name(), members.get(m.name()), m.guard());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Blender blender = b.build()) {
            BlendResult r = blender.blend(String.join(" ", question));
            out.println(r.answer());
            if (trace) {
                printTrace(out, r.trace());
            }
        } finally {
            for (AutoCloseable a : owned) {
                a.close();
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
            out.printf("| %s | %s | %d | %d | %s | %s |%n", o.member(), outcome.replace("|", "/"), o.attempts(),
                    o.latency().toMillis(), score == null ? "" : String.format("%+.4f", score), rank == null ? "" : rank);
        }
        out.println();
        out.println("chosen: " + t.chosen().orElse(t.fusedFrom().isEmpty() ? "-" : "fusion of " + t.fusedFrom())
                + "; stages " + t.stages().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms").toList());
        t.notes().forEach(n -> out.println("note: " + n));
    }

    private static <T extends AutoCloseable> T own(T resource, List<AutoCloseable> owned) {
        owned.add(resource);
        return resource;
    }
}
