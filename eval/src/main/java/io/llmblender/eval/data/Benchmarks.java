package io.llmblender.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loaders for the pairwise-preference benchmarks of {@code shared/data}, each into {@link PairwiseItem}s:
 * Auto-J pairwise (with its scenario → group map), HHH alignment (normalised JSONL), HH-RLHF chosen/rejected, and
 * a generic JSONL of {@code {prompt, response_a, response_b, label ∈ {a, b, tie}}} for users' own data.
 */
public final class Benchmarks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Benchmarks() {}

    /** The PairRM card's Auto-J columns, in order, by group name. */
    public static final Map<String, String> AUTOJ_COLUMNS = linked(
            "Summarization",
            "Summ",
            "Exam Questions",
            "Exam",
            "Code",
            "Code",
            "Rewriting",
            "Rewriting",
            "Creative Writing",
            "Crea W",
            "Functional Writing",
            "Func W",
            "General Communication",
            "Comm",
            "NLP Tasks",
            "NLP");

    /** The PairRM card's HHH columns, in order, by subset. */
    public static final Map<String, String> HHH_COLUMNS =
            linked("helpful", "Help.", "harmless", "Harm.", "honest", "Hon.", "other", "Other");

    /**
     * Auto-J's 1,392 pairs, each with its group ({@code autoj_pairwise/}).
     *
     * @param data the data folder
     * @return the pairs, in file order
     */
    public static List<PairwiseItem> autoJ(DataDirectory data) {
        Map<String, String> groupOf = new HashMap<>();
        JsonNode groups = read(data.require("autoj_pairwise/scenario_groups.json"));
        groups.properties()
                .iterator()
                .forEachRemaining(g -> g.getValue().forEach(s -> groupOf.put(s.asText(), g.getKey())));
        List<PairwiseItem> items = new ArrayList<>();
        int i = 0;
        for (JsonNode n : lines(data, "autoj_pairwise/testdata_pairwise.jsonl")) {
            String scenario = n.path("scenario").asText();
            String group = groupOf.get(scenario);
            if (group == null) {
                throw new ConfigException(
                        data.root().resolve("autoj_pairwise/scenario_groups.json"),
                        scenario,
                        "is a scenario of the test set that no group lists");
            }
            items.add(new PairwiseItem(
                    "autoj-" + i++,
                    group,
                    n.path("prompt").asText(),
                    n.path("response 1").asText(),
                    n.path("response 2").asText(),
                    n.path("label").asInt()));
        }
        return items;
    }

    /**
     * Auto-J-13B's recorded verdicts in the original and the swapped order (0 = the response shown first).
     *
     * @param data the data folder
     * @return two arrays of verdicts: {@code [0]} on (a, b), {@code [1]} on (b, a)
     */
    public static int[][] autoJRecordedVerdicts(DataDirectory data) {
        List<JsonNode> original = lines(data, "autoj_pairwise/autoj13b_pred_pairwise_example_output.jsonl");
        List<JsonNode> swapped = lines(data, "autoj_pairwise/autoj13b_pred_pairwise_exchange_example_output.jsonl");
        int[][] out = new int[2][original.size()];
        for (int i = 0; i < original.size(); i++) {
            out[0][i] = original.get(i).path("output").asInt();
            out[1][i] = swapped.get(i).path("output").asInt();
        }
        return out;
    }

    /**
     * HHH alignment's 221 pairs: {@code chosen} is response a, so every label is {@link PairwiseItem#FIRST}.
     *
     * @param data the data folder
     * @return the pairs, in file order
     */
    public static List<PairwiseItem> hhh(DataDirectory data) {
        List<PairwiseItem> items = new ArrayList<>();
        for (JsonNode n : lines(data, "hhh_alignment/hhh_alignment_pairs.jsonl")) {
            items.add(new PairwiseItem(
                    "hhh-" + n.path("id").asInt(),
                    n.path("subset").asText(),
                    n.path("input").asText(),
                    n.path("chosen").asText(),
                    n.path("rejected").asText(),
                    PairwiseItem.FIRST));
        }
        return items;
    }

    /**
     * HH-RLHF (harmless-base test): each line's {@code chosen} and {@code rejected} dialogues share every turn but
     * the last assistant turn; the shared dialogue is the prompt, the two last turns the responses (chosen first).
     * Reads {@code test.jsonl}, or the upstream {@code test.jsonl.gz} as Anthropic ships it.
     *
     * @param data the data folder
     * @return the pairs, in file order
     */
    public static List<PairwiseItem> hhRlhf(DataDirectory data) {
        String relative = "hh_rlhf_harmless_base_test/test.jsonl";
        Path file = data.root().resolve(relative);
        List<PairwiseItem> items = new ArrayList<>();
        int line = 0;
        for (JsonNode n : lines(data, relative)) {
            line++;
            String chosen = n.path("chosen").asText();
            String rejected = n.path("rejected").asText();
            int cut = chosen.lastIndexOf("\n\nAssistant:");
            int cutR = rejected.lastIndexOf("\n\nAssistant:");
            if (cut < 0 || cutR < 0) {
                throw new ConfigException(file, "chosen/rejected", "has no assistant turn on line " + line);
            }
            String prompt = chosen.substring(0, cut).strip();
            items.add(new PairwiseItem(
                    "hh-" + line,
                    "harmless",
                    prompt,
                    chosen.substring(cut + "\n\nAssistant:".length()).strip(),
                    rejected.substring(cutR + "\n\nAssistant:".length()).strip(),
                    PairwiseItem.FIRST));
        }
        return items;
    }

    /**
     * MT-bench: question id → the two user turns ({@code mt_bench/question.jsonl}).
     *
     * @param data the data folder
     * @return the questions' user turns, by question id
     */
    public static Map<Integer, List<String>> mtBenchQuestions(DataDirectory data) {
        Map<Integer, List<String>> out = new java.util.LinkedHashMap<>();
        for (JsonNode n : lines(data, "mt_bench/question.jsonl")) {
            List<String> turns = new ArrayList<>();
            n.path("turns").forEach(t -> turns.add(t.asText()));
            out.put(n.path("question_id").asInt(), List.copyOf(turns));
        }
        return out;
    }

    /**
     * MT-bench: question id → a model's two answer turns ({@code mt_bench/model_answer/<model>.jsonl}).
     *
     * @param data the data folder
     * @param model the model's answer file name, without {@code .jsonl}
     * @return the model's answer turns, by question id
     */
    public static Map<Integer, List<String>> mtBenchAnswers(DataDirectory data, String model) {
        Map<Integer, List<String>> out = new java.util.LinkedHashMap<>();
        for (JsonNode n : lines(data, "mt_bench/model_answer/" + model + ".jsonl")) {
            List<String> turns = new ArrayList<>();
            n.path("choices").path(0).path("turns").forEach(t -> turns.add(t.asText()));
            out.put(n.path("question_id").asInt(), List.copyOf(turns));
        }
        return out;
    }

    /**
     * A JSONL of {@code {"prompt", "response_a", "response_b", "label": "a" | "b" | "tie", "group"?}}.
     *
     * @param file the JSONL file
     * @return the pairs, in file order
     */
    public static List<PairwiseItem> pairwiseJsonl(Path file) {
        List<PairwiseItem> items = new ArrayList<>();
        int line = 0;
        for (JsonNode n : lines(file)) {
            line++;
            String label = n.path("label").asText("");
            int l = switch (label) {
                case "a" -> PairwiseItem.FIRST;
                case "b" -> PairwiseItem.SECOND;
                case "tie" -> PairwiseItem.TIE;
                default ->
                    throw new ConfigException(
                            file, "label", "is '" + label + "' on line " + line + "; use a, b or tie");
            };
            for (String f : List.of("prompt", "response_a", "response_b")) {
                if (!n.path(f).isTextual()) {
                    throw new ConfigException(file, f, "is missing or not text on line " + line);
                }
            }
            items.add(new PairwiseItem(
                    file.getFileName() + "-" + line,
                    n.path("group").asText("all"),
                    n.get("prompt").asText(),
                    n.get("response_a").asText(),
                    n.get("response_b").asText(),
                    l));
        }
        return items;
    }

    /** The JSON objects of a benchmark's JSONL file (or of its gzipped copy, see {@link DataDirectory#lines}). */
    private static List<JsonNode> lines(DataDirectory data, String relative) {
        return parse(data.root().resolve(relative), data.lines(relative));
    }

    static List<JsonNode> lines(Path file) {
        return parse(file, DataDirectory.readLines(file));
    }

    private static List<JsonNode> parse(Path file, List<String> lines) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String l : lines) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
            return out;
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read as JSONL: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file, null, "is not readable JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
