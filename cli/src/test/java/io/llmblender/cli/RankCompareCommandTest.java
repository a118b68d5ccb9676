package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender rank} and {@code blender compare} on the tiny end-to-end PairRM folder of the ranker's test
 * resources (a real tokenizer and layout, random weights): the CLI prints what the Java API computes.
 */
class RankCompareCommandTest {
    static final Path MODEL = Path.of(
                    System.getProperty("cli.model", "../ranker/src/test/resources/fixtures/pairrm-e2e"))
            .toAbsolutePath()
            .normalize();
    static final List<String> CANDIDATES = List.of("get out!", "hi! I am fine, thanks!", "bye!");

    final CliRun cli = new CliRun();
    final StringWriter out = cli.out;
    final StringWriter err = cli.err;

    @TempDir
    Path tmp;

    int run(String... args) {
        return cli.run(args);
    }

    @Test
    void rank_prints_the_apis_ranking_as_json() throws Exception {
        int code = run(
                "rank",
                "--model",
                MODEL.toString(),
                "--input",
                "hello, how are you!",
                "--candidates",
                new ObjectMapper().writeValueAsString(CANDIDATES),
                "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString()).get("ranking");
        try (PairRanker ranker = PairRanker.load(MODEL)) {
            Ranking expected = ranker.rank("hello, how are you!", CANDIDATES);
            assertThat(rows).hasSize(3);
            for (int i = 0; i < 3; i++) {
                int index = rows.get(i).get("index").asInt();
                assertThat(index).isEqualTo(expected.order()[i]);
                assertThat(rows.get(i).get("rank").asInt()).isEqualTo(expected.ranks()[index]);
                assertThat((float) rows.get(i).get("score").asDouble()).isEqualTo(expected.scores()[index]);
            }
        }
    }

    @Test
    void rank_reads_candidates_from_a_file_one_per_line_and_keeps_the_top_k() throws Exception {
        Path file = Files.writeString(tmp.resolve("candidates.txt"), String.join("\n", CANDIDATES) + "\n");
        int code = run(
                "rank",
                "-m",
                MODEL.toString(),
                "--input",
                "hello, how are you!",
                "--candidates",
                file.toString(),
                "--top-k",
                "1");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().strip().lines()).hasSize(1).allMatch(l -> l.startsWith("1. ["));
    }

    @Test
    void rank_with_the_bubble_strategy_names_the_best_answer() throws Exception {
        int code = run(
                "rank",
                "-m",
                MODEL.toString(),
                "--input",
                "hello, how are you!",
                "--candidates",
                new ObjectMapper().writeValueAsString(CANDIDATES),
                "--strategy",
                "bubble",
                "--seed",
                "3",
                "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertThat(r.get("text").asText())
                .isEqualTo(CANDIDATES.get(r.get("best").asInt()));
        assertThat(r.get("top")).hasSize(1);
    }

    @Test
    void compare_prints_the_logit_of_each_mode_with_the_reference_signs() throws Exception {
        // pairrm-e2e's cases.json, compare_cases "readme_compare", input 0, per mode
        Map<CompareMode, Double> fixture =
                Map.of(CompareMode.A_B, -0.31123728, CompareMode.B_A, -0.07808775, CompareMode.BOTH, -0.23314953);
        {
            for (CompareMode mode : CompareMode.values()) {
                out.getBuffer().setLength(0);
                int code = run(
                        "compare",
                        "-m",
                        MODEL.toString(),
                        "--input",
                        "hello!",
                        "-a",
                        "hi!",
                        "-b",
                        "f**k off!",
                        "--mode",
                        mode.python(),
                        "--json");
                assertThat(code).as(err.toString()).isZero();
                JsonNode r = new ObjectMapper().readTree(out.toString());
                double expected = fixture.get(mode);
                assertThat(r.get("logit").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(5e-6));
                assertThat(r.get("result").asBoolean()).isEqualTo(expected > 0);
                boolean aBetter = mode == CompareMode.B_A ? expected < 0 : expected > 0;
                assertThat(r.get("better").asText()).isEqualTo(aBetter ? "A" : "B");
            }
        }
    }

    @Test
    void bad_input_gets_one_line_and_a_non_zero_exit() {
        assertThat(run("rank", "-m", MODEL.toString(), "--input", "x", "--candidates", "[]"))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo("blender: --candidates is empty; give at least one candidate answer\n");
        err.getBuffer().setLength(0);
        assertThat(run("rank", "-m", MODEL.toString(), "--input", "x", "--candidates", "[\"a\", \"b\", \"  \"]"))
                .isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("blender: --candidates: candidate 2 is blank; give every candidate's text\n");
        err.getBuffer().setLength(0);
        assertThat(run(
                        "rank",
                        "-m",
                        MODEL.toString(),
                        "--input",
                        "x",
                        "--candidates",
                        tmp.resolve("none.txt").toString()))
                .isEqualTo(1);
        assertThat(err.toString())
                .startsWith("blender: --candidates")
                .contains("neither a JSON array nor a readable file")
                .doesNotContain("\tat ");
        err.getBuffer().setLength(0);
        assertThat(run("compare", "-m", tmp.resolve("no-model").toString(), "--input", "x", "-a", "a", "-b", "b"))
                .isEqualTo(1);
        assertThat(err.toString())
                .startsWith("blender: ")
                .contains("neither a folder nor a hub id")
                .doesNotContain("\tat ");
        err.getBuffer().setLength(0);
        Path empty = tmp.resolve("empty-model");
        assertThat(empty.toFile().mkdirs()).isTrue();
        assertThat(run("compare", "-m", empty.toString(), "--input", "x", "-a", "a", "-b", "b"))
                .isEqualTo(1);
        assertThat(err.toString())
                .startsWith("blender: ")
                .contains("config.json")
                .doesNotContain("\tat ");
    }

    @Test
    void compare_refuses_an_unknown_mode_with_the_allowed_list_before_loading_the_model() {
        // the Java CompareMode.fromPython("[A,b]") would mean both orders, as the reference; the CLI says so instead
        String noModel = tmp.resolve("never-loaded").toString();
        assertThat(run("compare", "-m", noModel, "--input", "x", "-a", "a", "-b", "b", "--mode", "[A,b]"))
                .isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("blender: --mode '[A,b]' is not one of [A,B], [B,A], [A,B]+[B,A]; did you mean [A,B]?\n");
    }

    @Test
    void rank_refuses_top_k_zero_and_top_k_with_a_strategy_that_finds_only_the_best() {
        String noModel = tmp.resolve("never-loaded").toString();
        String[] base = {"rank", "-m", noModel, "--input", "x", "--candidates", "[\"a\", \"b\"]"};
        assertThat(run(concat(base, "--top-k", "0"))).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("blender: --top-k 0 keeps no answer; give K >= 1, or leave --top-k out"
                        + " to see every candidate\n");
        err.getBuffer().setLength(0);
        assertThat(run(concat(base, "--top-k", "2", "--strategy", "bubble"))).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("blender: --top-k does not go with --strategy bubble, which finds only the best; use"
                        + " --strategy full or top-k for the best K\n");
        err.getBuffer().setLength(0);
        assertThat(run(concat(base, "--strategy", "top-k"))).isEqualTo(1);
        assertThat(err.toString()).contains("--strategy top-k needs --top-k K");
        err.getBuffer().setLength(0);
        assertThat(run(concat(base, "--strategy", "buble"))).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("blender: --strategy 'buble' is not one of full, bubble, knockout, top-k; did you mean"
                        + " bubble?\n");
    }

    static String[] concat(String[] base, String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }
}
