package io.llmblender.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file mechanics of a batch run with a job that needs no model (its result is the candidate count), so
 * each case states exactly which lines must be written, skipped or refused.
 */
class BatchFileTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    final List<List<String>> chunks = new ArrayList<>();
    final StringWriter err = new StringWriter();

    /** Ranks nothing: writes {"id", "n": candidates}, records the chunks it was handed. */
    final BatchFile.Job<RankRecord> counting = new BatchFile.Job<>() {
        @Override
        public RankRecord parse(String line) {
            return RecordFormat.rankRecord(line).check(new RecordRules(3));
        }

        @Override
        public String id(RankRecord r) {
            return r.id();
        }

        @Override
        public int pairRows(RankRecord r) {
            return r.candidates().size() * (r.candidates().size() - 1);
        }

        @Override
        public List<String> run(List<RankRecord> chunk) {
            chunks.add(chunk.stream().map(RankRecord::id).toList());
            for (RankRecord r : chunk) {
                if (r.input().equals("boom")) {
                    throw new IllegalStateException("the model failed on " + r.id());
                }
            }
            return chunk.stream()
                    .map(r ->
                            "{\"id\":\"" + r.id() + "\",\"n\":" + r.candidates().size() + "}")
                    .toList();
        }
    };

    static String rec(String id, String input, String... candidates) throws Exception {
        return JSON.writeValueAsString(java.util.Map.of("id", id, "input", input, "candidates", List.of(candidates)));
    }

    BatchFile.Summary run(Path in, Path out, int chunkRows) {
        return BatchFile.run(in, out, counting, chunkRows, new PrintWriter(err, true));
    }

    @Test
    void bad_lines_and_duplicate_ids_go_to_the_errors_file_with_line_and_reason() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(
                in,
                List.of(
                        rec("a", "q", "x", "y"),
                        "{not json",
                        "",
                        rec("b", "q"),
                        rec("a", "q", "z", "w"),
                        "{\"id\":\"c\",\"input\":\"q\",\"candidates\":[\"ok\",\"  \"]}",
                        rec("d", "q", "1", "2", "3", "4"),
                        "{\"input\":\"q\",\"candidates\":[\"x\"]}",
                        rec("e", "q", "only")));
        Path out = tmp.resolve("out.jsonl");

        BatchFile.Summary s = run(in, out, 100);

        assertThat(s.line()).isEqualTo("read 8, ranked 2, refused 6");
        assertThat(ids(out)).containsExactly("a", "e");
        List<JsonNode> errors = lines(tmp.resolve("out.errors.jsonl"));
        assertThat(errors).extracting(e -> e.get("line").asInt()).containsExactly(2, 4, 5, 6, 7, 8);
        assertThat(errors)
                .extracting(e -> e.get("id").isNull() ? null : e.get("id").asText())
                .containsExactly(null, "b", "a", "c", "d", null);
        assertThat(errors.get(0).get("reason").asText()).startsWith("not JSON");
        assertThat(errors.get(1).get("reason").asText()).startsWith("no candidates");
        assertThat(errors.get(2).get("reason").asText()).startsWith("duplicate id");
        assertThat(errors.get(3).get("reason").asText())
                .isEqualTo("candidate 1 is blank; every candidate must have text");
        assertThat(errors.get(4).get("reason").asText()).contains("4 candidates, more than the cap of 3");
        assertThat(errors.get(5).get("reason").asText()).startsWith("no \"id\"");
    }

    @Test
    void a_rerun_skips_ids_already_written_and_redoes_a_torn_last_line() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(in, List.of(rec("a", "q", "x"), rec("b", "q", "x", "y"), rec("c", "q", "x"), rec("d", "q", "x")));
        Path out = tmp.resolve("out.jsonl");
        // what a run killed while writing c's line leaves behind
        Files.writeString(out, "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b\",\"n\":2}\n{\"id\":\"c\",\"n");

        BatchFile.Summary s = run(in, out, 100);

        assertThat(s).isEqualTo(new BatchFile.Summary(4, 4, 0, 2));
        assertThat(chunks).containsExactly(List.of("c", "d"));
        assertThat(ids(out)).containsExactly("a", "b", "c", "d");
        assertThat(err.toString()).contains("already holds 2 records");
    }

    @Test
    void chunks_are_cut_by_pair_rows_and_a_failing_chunk_costs_only_its_bad_record() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        // 2 + 2 + 6 pair rows reach the chunk size of 4 after b, then after c
        Files.write(in, List.of(rec("a", "q", "x", "y"), rec("b", "boom", "x", "y"), rec("c", "q", "x", "y", "z")));
        Path out = tmp.resolve("out.jsonl");

        BatchFile.Summary s = run(in, out, 4);

        assertThat(chunks.get(0)).containsExactly("a", "b");
        assertThat(s.line()).isEqualTo("read 3, ranked 2, refused 1");
        assertThat(ids(out)).containsExactly("a", "c");
        JsonNode e = lines(tmp.resolve("out.errors.jsonl")).get(0);
        assertThat(e.get("line").asInt()).isEqualTo(2);
        assertThat(e.get("reason").asText()).isEqualTo("the model failed on b");
    }

    @Test
    void an_output_line_that_is_no_record_stops_the_resume_with_the_fix() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(in, List.of(rec("a", "q", "x")));
        Path out = tmp.resolve("out.jsonl");
        Files.writeString(out, "garbage\n");
        assertThatThrownBy(() -> run(in, out, 4))
                .hasMessageContaining("line 1 is not a record")
                .hasMessageContaining("another --output");
    }

    @Test
    void the_errors_file_sits_beside_the_output() {
        assertThat(BatchFile.errorsFile(Path.of("d/out.jsonl"))).isEqualTo(Path.of("d/out.errors.jsonl"));
        assertThat(BatchFile.errorsFile(Path.of("out.json"))).isEqualTo(Path.of("out.json.errors.jsonl"));
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    static List<String> ids(Path file) throws Exception {
        return lines(file).stream().map(n -> n.get("id").asText()).toList();
    }
}
