package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender rank --batch} and {@code compare --batch} on the tiny end-to-end PairRM folder: one result line
 * per record with the reference's ranks, bad lines in the errors file, the summary as the last stderr line,
 * and a re-run that adds nothing.
 */
class BatchCommandTest {
    static final Path MODEL = RankCompareCommandTest.MODEL;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void rank_batch_writes_the_reference_ranks_refuses_bad_lines_and_resumes_without_doubles() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(
                in,
                List.of(
                        "{\"id\":\"hello\",\"input\":\"hello, how are you!\","
                                + "\"candidates\":[\"get out!\",\"hi! I am fine, thanks!\",\"bye!\"]}",
                        "{\"id\":\"love\",\"input\":\"I love you!\",\"candidates\":[\"I love you too!\",\"I hate you!\","
                                + "\"Thanks! You're a good guy!\"]}",
                        "{\"id\":\"hello\",\"input\":\"x\",\"candidates\":[\"a\",\"b\"]}",
                        "{\"id\":7,\"instruction\":\"Be kind. \",\"input\":\"hi\",\"candidates\":[\"no\"]}",
                        "[1,2]"));
        Path out = tmp.resolve("out.jsonl");
        CliRun cli = new CliRun();

        int code = cli.run("rank", "--model", MODEL.toString(), "--batch", in.toString(), "--output", out.toString());

        assertThat(code).as(cli.err.toString()).isZero();
        List<JsonNode> rows = lines(out);
        // pairrm-e2e cases.json, rank_cases "readme_rank": ranks [[2,3,1],[3,2,1]]
        assertThat(rows).extracting(r -> r.get("id").asText()).containsExactly("hello", "love", "7");
        assertThat(JSON.convertValue(rows.get(0).get("ranks"), int[].class)).containsExactly(2, 3, 1);
        assertThat(rows.get(0).get("scores").get(1).floatValue()).isCloseTo(-0.3776432f, within(5e-6f));
        assertThat(rows.get(0).get("best").asInt()).isEqualTo(2);
        assertThat(rows.get(0).get("worst").asInt()).isEqualTo(1);
        assertThat(JSON.convertValue(rows.get(1).get("ranks"), int[].class)).containsExactly(3, 2, 1);
        assertThat(rows.get(2).get("ranks").toString()).isEqualTo("[1]");
        List<JsonNode> errors = lines(tmp.resolve("out.errors.jsonl"));
        assertThat(errors).extracting(e -> e.get("line").asInt()).containsExactly(3, 5);
        assertThat(errors.get(0).get("reason").asText()).startsWith("duplicate id");
        assertThat(lastLine(cli.err.toString())).isEqualTo("read 5, ranked 3, refused 2");

        CliRun again = new CliRun();
        assertThat(again.run("rank", "--model", MODEL.toString(), "--batch", in.toString(), "--output", out.toString()))
                .isZero();
        assertThat(lines(out)).hasSize(3);
        assertThat(lastLine(again.err.toString())).isEqualTo("read 5, ranked 3, refused 2");
    }

    @Test
    void rank_batch_with_bubble_writes_best_and_worst_and_null_ranks() throws Exception {
        List<String> cands = List.of("Paris.", "Lyon.", "The capital of France is Paris.", "Rome");
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(
                in,
                JSON.writeValueAsString(java.util.Map.of(
                                "id", "q1", "input", "What is the capital of France?", "candidates", cands))
                        + "\n");
        Path out = tmp.resolve("out.jsonl");
        CliRun cli = new CliRun();
        int code = cli.run(
                "rank",
                "-m",
                MODEL.toString(),
                "--strategy",
                "bubble",
                "--batch",
                in.toString(),
                "--output",
                out.toString());
        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode r = lines(out).get(0);
        assertThat(r.get("ranks").isNull()).isTrue();
        assertThat(r.get("scores").isNull()).isTrue();
        try (PairRanker ranker = PairRanker.load(MODEL)) {
            Item item = new Item("What is the capital of France?", cands);
            assertThat(r.get("best").asInt())
                    .isEqualTo(ranker.selector(Strategy.BUBBLE).best(item));
            assertThat(r.get("worst").asInt())
                    .isEqualTo(ranker.selector(Strategy.BUBBLE).worst(item));
        }
    }

    @Test
    void compare_batch_writes_the_reference_logits() throws Exception {
        Path in = tmp.resolve("pairs.jsonl");
        Files.write(
                in,
                List.of(
                        "{\"id\":\"p1\",\"input\":\"hello!\",\"a\":\"hi!\",\"b\":\"f**k off!\"}",
                        "{\"id\":\"p2\",\"input\":\"hello!\",\"a\":\"hi!\"}"));
        Path out = tmp.resolve("pairs.out.jsonl");
        CliRun cli = new CliRun();
        int code = cli.run("compare", "-m", MODEL.toString(), "--batch", in.toString(), "--output", out.toString());
        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode r = lines(out).get(0);
        // pairrm-e2e cases.json, compare_cases "readme_compare", input 0, both orders
        assertThat(r.get("id").asText()).isEqualTo("p1");
        assertThat(r.get("logit").floatValue()).isCloseTo(-0.23314953f, within(5e-6f));
        assertThat(r.get("a_better").asBoolean()).isFalse();
        assertThat(lines(tmp.resolve("pairs.out.errors.jsonl")).get(0).get("id").asText())
                .isEqualTo("p2");
        assertThat(lastLine(cli.err.toString())).isEqualTo("read 2, ranked 1, refused 1");
    }

    @Test
    void batch_beside_a_single_input_option_or_without_output_is_refused_with_the_fix() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, "");
        CliRun cli = new CliRun();
        assertThat(cli.run("rank", "-m", MODEL.toString(), "--batch", in.toString(), "--input", "x"))
                .isEqualTo(1);
        assertThat(cli.err.toString()).contains("drop --input");
        CliRun noOut = new CliRun();
        assertThat(noOut.run("rank", "-m", MODEL.toString(), "--batch", in.toString()))
                .isEqualTo(1);
        assertThat(noOut.err.toString()).contains("--batch needs --output");
    }

    static String lastLine(String text) {
        List<String> ls = text.strip().lines().toList();
        return ls.get(ls.size() - 1);
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }
}
