package io.llmblender.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.cli.option.Choices;
import io.llmblender.cli.option.ModelOption;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.Turn;
import java.io.IOException;
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

/**
 * {@code blender compare-conversations}: Python's {@code compare_conversations} over two JSON files of multi-turn
 * conversations that share their user turns; one verdict per pair of conversations.
 */
@Command(
        name = "compare-conversations",
        mixinStandardHelpOptions = true,
        description = "Compares conversations A with conversations B (same USER turns, different ASSISTANT turns) with"
                + " PairRM, as Python's compare_conversations. Each file holds one conversation, a JSON array of"
                + " {\"role\": \"USER\"|\"ASSISTANT\", \"content\": ...}, or an array of such conversations.")
public final class CompareConversationsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOption model;

    @Option(names = "-a", required = true, paramLabel = "FILE", description = "conversations A (JSON)")
    Path a;

    @Option(names = "-b", required = true, paramLabel = "FILE", description = "conversations B (JSON)")
    Path b;

    @Option(
            names = "--mode",
            defaultValue = "[A,B]+[B,A]",
            description = "[A,B], [B,A] or [A,B]+[B,A] (default: both orders). Signs as the reference: [B,A] > 0"
                    + " means B is better")
    String mode;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CompareMode m = Choices.compareMode("--mode", mode);
        List<List<Turn>> conversationsA = read("-a", a);
        List<List<Turn>> conversationsB = read("-b", b);
        List<Comparison> verdicts;
        try (RankingModel ranker = model.load(spec.commandLine().getErr())) {
            verdicts = ranker.compareConversations(conversationsA, conversationsB, m);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n = 0; n < verdicts.size(); n++) {
            Comparison c = verdicts.get(n);
            String better = c.logit() == 0 ? "tie" : c.aBetter() ? "A" : "B";
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("logit", c.logit());
                row.put("result", c.result());
                row.put("better", better);
                rows.add(row);
            } else {
                out.printf("%d: %s is better (logit %+.4f, mode %s)%n", n, better, c.logit(), m.python());
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mode", m.python());
            doc.put("comparisons", rows);
            out.println(mapper.writeValueAsString(doc));
        }
        out.flush();
        return 0;
    }

    /** One conversation (an array of turns) or several (an array of arrays); the reference's checks come later. */
    static List<List<Turn>> read(String option, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(option + " " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException(option + " " + file + " must hold a non-empty JSON array: one"
                    + " conversation of {\"role\", \"content\"} turns, or an array of conversations");
        }
        List<JsonNode> conversations = new ArrayList<>();
        if (root.get(0).isArray()) {
            root.forEach(conversations::add);
        } else {
            conversations.add(root);
        }
        List<List<Turn>> out = new ArrayList<>();
        for (int n = 0; n < conversations.size(); n++) {
            JsonNode conversation = conversations.get(n);
            List<Turn> turns = new ArrayList<>();
            for (int t = 0; conversation.isArray() && t < conversation.size(); t++) {
                JsonNode turn = conversation.get(t);
                if (!turn.path("role").isTextual() || !turn.path("content").isTextual()) {
                    throw new IllegalArgumentException(option + " " + file + ": conversation " + n + ", turn " + t
                            + " needs a string \"role\" (USER or ASSISTANT) and a string \"content\"; found " + turn);
                }
                turns.add(
                        new Turn(turn.get("role").asText(), turn.get("content").asText()));
            }
            if (!conversation.isArray()) {
                throw new IllegalArgumentException(option + " " + file + ": conversation " + n
                        + " must be an array of turns; found " + conversation);
            }
            out.add(turns);
        }
        return out;
    }
}
