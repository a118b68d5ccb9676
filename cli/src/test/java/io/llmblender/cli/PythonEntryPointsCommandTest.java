package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender rank-with-ref}, {@code compare-conversations} and {@code best-of-n} against the golden outputs of
 * the original LLM-Blender code in the end-to-end PairRM fixture ({@code cases.json}).
 */
class PythonEntryPointsCommandTest {
    static final Path MODEL = RankCompareCommandTest.MODEL;
    /** The ranker's parity tolerance on a logit (PairRankerE2eTest); a reward is a difference of two. */
    static final double TOLERANCE = 1e-5;

    static final JsonNode CASES = read(MODEL.resolve("cases.json"));

    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    CliRun run(String... args) {
        CliRun cli = new CliRun();
        int code = cli.run(args);
        assertThat(code).as(cli.err.toString()).isZero();
        return cli;
    }

    @Test
    void rank_with_ref_gives_the_references_rewards_and_ranks_in_all_six_modes() throws Exception {
        int checked = 0;
        for (JsonNode c : CASES.get("rank_with_ref_cases")) {
            for (int n = 0; n < c.get("N").asInt(); n++) {
                String candidates = json.writeValueAsString(c.get("candidates").get(n));
                for (String mode : List.of("longest", "shortest", "median_length", "first", "last", "explicit")) {
                    JsonNode expected = c.get("original_batched").get(mode);
                    List<String> args = new ArrayList<>(List.of(
                            "rank-with-ref",
                            "--model",
                            MODEL.toString(),
                            "--precision",
                            "fp32",
                            "--input",
                            c.get("inputs").get(n).asText(),
                            "--candidates",
                            candidates,
                            "--json"));
                    args.addAll(
                            mode.equals("explicit")
                                    ? List.of(
                                            "--ref",
                                            c.get("ref_candidates").get(n).asText())
                                    : List.of("--ref-mode", mode));
                    JsonNode r =
                            json.readTree(run(args.toArray(String[]::new)).out.toString());
                    // then: the reference the Python code chose, and its rewards and ranks per candidate
                    if (!mode.equals("explicit")) {
                        assertThat(r.get("reference_index").asInt())
                                .as(c.get("name") + " " + n + " " + mode)
                                .isEqualTo(
                                        expected.get("reference_index").get(n).asInt());
                    }
                    for (JsonNode row : r.get("ranking")) {
                        int i = row.get("index").asInt();
                        assertThat(row.get("score").asDouble())
                                .as(c.get("name") + " " + n + " " + mode + " candidate " + i)
                                .isCloseTo(expected.get("rewards").get(n).get(i).asDouble(), Offset.offset(TOLERANCE));
                        assertThat(row.get("rank").asInt())
                                .isEqualTo(expected.get("ranks").get(n).get(i).asInt());
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 6);
    }

    @Test
    void rank_with_ref_refuses_an_unknown_mode_and_both_ways_of_naming_the_reference() {
        String[] base = {
            "rank-with-ref",
            "--model",
            tmp.resolve("never-loaded").toString(),
            "--input",
            "x",
            "--candidates",
            "[\"a\", \"b\"]"
        };
        CliRun typo = new CliRun();
        assertThat(typo.run(RankCompareCommandTest.concat(base, "--ref-mode", "median")))
                .isEqualTo(1);
        assertThat(typo.err.toString())
                .isEqualTo("blender: --ref-mode 'median' is not one of longest, shortest, median_length, first, last;"
                        + " did you mean median_length?\n");
        CliRun both = new CliRun();
        assertThat(both.run(RankCompareCommandTest.concat(base, "--ref-mode", "first", "--ref", "a")))
                .isEqualTo(1);
        assertThat(both.err.toString()).isEqualTo("blender: --ref and --ref-mode both name the reference; give one\n");
    }

    @Test
    void compare_conversations_gives_the_references_logits_in_every_mode() throws Exception {
        JsonNode c = CASES.get("conversation_cases").get(0);
        Path a = Files.writeString(tmp.resolve("a.json"), json.writeValueAsString(c.get("conversations_a")));
        Path b = Files.writeString(tmp.resolve("b.json"), json.writeValueAsString(c.get("conversations_b")));
        for (String mode : List.of("[A,B]", "[B,A]", "[A,B]+[B,A]")) {
            JsonNode r = json.readTree(run(
                            "compare-conversations",
                            "--model",
                            MODEL.toString(),
                            "--precision",
                            "fp32",
                            "-a",
                            a.toString(),
                            "-b",
                            b.toString(),
                            "--mode",
                            mode,
                            "--json")
                    .out
                    .toString());
            JsonNode expected = c.get("original_batched").get(mode);
            assertThat(r.get("comparisons")).hasSize(expected.get("logits").size());
            for (int n = 0; n < expected.get("logits").size(); n++) {
                JsonNode row = r.get("comparisons").get(n);
                assertThat(row.get("logit").asDouble())
                        .as(mode + " pair " + n)
                        .isCloseTo(expected.get("logits").get(n).asDouble(), Offset.offset(TOLERANCE));
                assertThat(row.get("result").asBoolean())
                        .isEqualTo(expected.get("results").get(n).asBoolean());
            }
        }
    }

    @Test
    void compare_conversations_reads_a_single_conversation_per_file_and_keeps_the_references_checks() throws Exception {
        JsonNode c = CASES.get("conversation_cases").get(0);
        Path a = Files.writeString(
                tmp.resolve("a.json"),
                json.writeValueAsString(c.get("conversations_a").get(0)));
        Path b = Files.writeString(
                tmp.resolve("b.json"),
                json.writeValueAsString(c.get("conversations_b").get(0)));
        JsonNode r = json.readTree(run(
                        "compare-conversations",
                        "--model",
                        MODEL.toString(),
                        "--precision",
                        "fp32",
                        "-a",
                        a.toString(),
                        "-b",
                        b.toString(),
                        "--json")
                .out
                .toString());
        assertThat(r.get("comparisons").get(0).get("logit").asDouble())
                .isCloseTo(
                        c.get("original_batched")
                                .get("[A,B]+[B,A]")
                                .get("logits")
                                .get(0)
                                .asDouble(),
                        Offset.offset(TOLERANCE));

        Path odd = Files.writeString(tmp.resolve("odd.json"), "[{\"role\": \"USER\", \"content\": \"hi\"}]");
        CliRun bad = new CliRun();
        assertThat(bad.run(
                        "compare-conversations",
                        "--model",
                        MODEL.toString(),
                        "-a",
                        odd.toString(),
                        "-b",
                        odd.toString()))
                .isEqualTo(1);
        assertThat(bad.err.toString()).isEqualTo("blender: Each conversation must have even number of turns\n");
    }

    @Test
    void best_of_n_and_worst_find_the_candidate_that_wins_or_loses_every_duel_in_the_references_matrix()
            throws Exception {
        // given alpaca_c4's golden full matrices; a candidate that beats (loses to) every other one in both orders
        // is the best (worst) whatever the start order, so every strategy must find it
        JsonNode c = CASES.get("rank_cases").findParents("name").stream()
                .filter(n -> n.get("name").asText().equals("alpaca_c4"))
                .findFirst()
                .orElseThrow();
        int checked = 0;
        for (int n = 0; n < c.get("N").asInt(); n++) {
            JsonNode m = c.get("original_batched").get("cmp_matrix").get(n);
            int winner = condorcet(m, +1);
            int loser = condorcet(m, -1);
            assertThat(winner).isNotNegative();
            assertThat(loser).isNotNegative();
            String candidates = json.writeValueAsString(c.get("candidates").get(n));
            for (String strategy : List.of("bubble", "knockout", "full")) {
                for (boolean worst : List.of(false, true)) {
                    List<String> args = new ArrayList<>(List.of(
                            "best-of-n",
                            "--model",
                            MODEL.toString(),
                            "--precision",
                            "fp32",
                            "--input",
                            c.get("inputs").get(n).asText(),
                            "--candidates",
                            candidates,
                            "--strategy",
                            strategy,
                            "--json"));
                    if (worst) {
                        args.add("--worst");
                    }
                    JsonNode r =
                            json.readTree(run(args.toArray(String[]::new)).out.toString());
                    int expected = worst ? loser : winner;
                    assertThat(r.get(worst ? "worst" : "best").asInt())
                            .as("input " + n + " " + strategy + (worst ? " worst" : " best"))
                            .isEqualTo(expected);
                    assertThat(r.get("text").asText())
                            .isEqualTo(c.get("candidates").get(n).get(expected).asText());
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 3 * 2);
    }

    @Test
    void best_of_n_prints_the_chosen_answer_itself() throws Exception {
        JsonNode c = CASES.get("rank_cases").get(0); // readme_rank, input 0: candidate 2 wins every duel
        CliRun cli = run(
                "best-of-n",
                "--model",
                MODEL.toString(),
                "--precision",
                "fp32",
                "--input",
                c.get("inputs").get(0).asText(),
                "--candidates",
                json.writeValueAsString(c.get("candidates").get(0)));
        assertThat(condorcet(c.get("original_batched").get("cmp_matrix").get(0), +1))
                .isEqualTo(2);
        assertThat(cli.out.toString())
                .isEqualTo(c.get("candidates").get(0).get(2).asText() + "\n");
    }

    /** The candidate whose both-order logit against every other one has sign {@code sign}, or -1 if none. */
    static int condorcet(JsonNode matrix, int sign) {
        int size = matrix.size();
        for (int a = 0; a < size; a++) {
            boolean all = true;
            for (int b = 0; b < size; b++) {
                double s =
                        matrix.get(a).get(b).asDouble() - matrix.get(b).get(a).asDouble();
                all &= a == b || Math.signum(s) == sign;
            }
            if (all) {
                return a;
            }
        }
        return -1;
    }
}
