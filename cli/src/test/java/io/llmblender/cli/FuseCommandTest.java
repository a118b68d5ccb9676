package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.ranker.PairRanker;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code blender fuse} with the tiny GenFuser fixture folder and with a chat model on a loopback server. */
class FuseCommandTest {
    static final Path GENFUSER = Path.of("../fuser/src/test/resources/fixtures/genfuser-e2e")
            .toAbsolutePath()
            .normalize();
    static final Path PAIRRM = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize();
    static final List<String> CANDIDATES = List.of("hi!", "bye", "hello there, friend");

    final CliRun cli = new CliRun();
    final StringWriter err = cli.err;

    @Test
    void genfuser_fuses_the_first_k_candidates_as_the_api_does() throws Exception {
        int code = cli.run(
                "fuse",
                "--fuser",
                GENFUSER.toString(),
                "--input",
                "hello",
                "--candidates",
                new ObjectMapper().writeValueAsString(CANDIDATES),
                "--top-k",
                "2",
                "--max-new-tokens",
                "16",
                "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(cli.out.toString());
        try (GenFuser fuser = GenFuser.load(GENFUSER)) {
            String expected = fuser.withOptions(new GenFuser.Options(
                            128, 1024, new io.llmblender.fuser.t5.BeamSearch.Options(4, 1, 1.0, false, 16)))
                    .fuse(new FusionRequest("hello", CANDIDATES.subList(0, 2)))
                    .text();
            assertThat(r.get("text").asText()).isEqualTo(expected);
        }
        assertThat(r.get("fused_candidates")).hasSize(2);
        assertThat(err.toString()).contains("Fusing (decoder steps)");
    }

    @Test
    void with_a_ranker_the_top_k_by_pairrm_are_fused() throws Exception {
        int code = cli.run(
                "fuse",
                "--fuser",
                GENFUSER.toString(),
                "--ranker",
                PAIRRM.toString(),
                "--input",
                "hello",
                "--candidates",
                new ObjectMapper().writeValueAsString(CANDIDATES),
                "--top-k",
                "2",
                "--beams",
                "1",
                "--max-new-tokens",
                "8",
                "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(cli.out.toString());
        try (PairRanker ranker = PairRanker.load(PAIRRM)) {
            List<String> expected = ranker.rank("hello", CANDIDATES).best(2);
            List<String> fused = new ArrayList<>();
            r.get("fused_candidates").forEach(n -> fused.add(n.asText()));
            assertThat(fused).isEqualTo(expected);
        }
    }

    @Test
    void a_chat_model_fuses_through_an_openai_compatible_endpoint() throws Exception {
        List<String> bodies = new ArrayList<>();
        try (LoopbackChat server = new LoopbackChat(body -> {
            bodies.add(body);
            return LoopbackChat.completion("Hello, friend!");
        })) {
            int code = cli.run(
                    "fuse",
                    "--fuser",
                    "chat:openai:m@" + server.baseUrl(),
                    "--input",
                    "hello",
                    "--candidates",
                    new ObjectMapper().writeValueAsString(CANDIDATES));
            assertThat(code).as(err.toString()).isZero();
            assertThat(cli.out.toString().strip()).isEqualTo("Hello, friend!");
            assertThat(bodies).hasSize(1);
            assertThat(bodies.get(0)).contains("[Rank 1]\\nhi!").contains("[Rank 3]\\nhello there, friend");
        }
    }

    @Test
    void decoder_step_progress_off_a_terminal_is_plain_lines_that_end_with_the_decode() throws Exception {
        // given a fixture case whose greedy and beam decodes both stop before max_new_tokens (EOS)
        JsonNode c = new ObjectMapper() // the fixture writes margins that never occurred as Infinity
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature())
                .readTree(GENFUSER.resolve("cases.json").toFile())
                .get("cases")
                .get(0);
        assertThat(c.get("name").asText()).isEqualTo("spec_example_k2");
        int max = c.get("max_new_tokens").asInt();
        for (String decode : List.of("greedy", "beam")) {
            int steps = decode.equals("greedy")
                    ? c.get("greedy").get("output_ids").size() - 1
                    : c.get("beam_run").get("n_steps").asInt();
            assertThat(steps).as(decode).isLessThan(max);
            CliRun run = new CliRun();
            // when it is fused with stderr not a terminal (a test's stderr is a pipe)
            int code = run.run(
                    "fuse",
                    "--fuser",
                    GENFUSER.toString(),
                    "--input",
                    c.get("input").asText(),
                    "--candidates",
                    new ObjectMapper().writeValueAsString(c.get("candidates")),
                    "--top-k",
                    "" + c.get("candidates").size(),
                    "--beams",
                    decode.equals("greedy") ? "1" : "4",
                    "--max-new-tokens",
                    "" + max);
            assertThat(code).as(run.err.toString()).isZero();
            // then the bar is plain lines, the last one the steps actually run, without an ETA
            String bar = run.err.toString();
            assertThat(bar).as(decode).doesNotContain("\r");
            List<String> lines = bar.lines()
                    .filter(l -> l.startsWith("Fusing (decoder steps)"))
                    .toList();
            assertThat(lines).as(decode).isNotEmpty();
            assertThat(lines.get(lines.size() - 1))
                    .as(decode)
                    .contains("] " + steps + " / " + steps + " ")
                    .doesNotContain("ETA");
            // and the fused text is the reference's, alone on its line
            assertThat(run.out.toString()).isEqualTo(c.get(decode).get("text").asText() + System.lineSeparator());
        }
    }

    @Test
    void an_unknown_precision_is_one_line_naming_the_choices() {
        for (String option : List.of("--precision", "--ranker-precision")) {
            CliRun run = new CliRun();
            int code = run.run(
                    "fuse", "--fuser", GENFUSER.toString(), option, "bf17", "--input", "x", "--candidates", "[\"a\"]");
            assertThat(code).as(option).isEqualTo(1);
            assertThat(run.err.toString())
                    .as(option)
                    .contains(option)
                    .contains("'bf17'")
                    .contains("fp32, bf16, auto")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void a_bad_fuser_spec_is_one_line_and_exit_1() {
        assertThat(cli.run("fuse", "--fuser", "chat:bogus", "--input", "x", "--candidates", "[\"a\"]"))
                .isEqualTo(1);
        assertThat(err.toString())
                .startsWith("blender: --fuser chat:bogus is not understood")
                .doesNotContain("\tat ");
    }

    @Test
    void a_chat_fuser_whose_server_answers_500_is_one_line_and_exit_1() throws Exception {
        try (LoopbackChat server = new LoopbackChat(body -> new LoopbackChat.Reply(
                500, "{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}"))) {
            int code = cli.run(
                    "fuse",
                    "--fuser",
                    "chat:openai:m@" + server.baseUrl(),
                    "--input",
                    "hello",
                    "--candidates",
                    "[\"a\", \"b\"]");
            assertThat(code).isEqualTo(1);
            assertThat(err.toString().strip().lines()).hasSize(1);
            assertThat(err.toString()).startsWith("blender: ").contains("the model crashed");
        }
    }

    @Test
    void a_chat_fuser_that_cannot_be_reached_is_one_line_and_exit_1_and_verbose_adds_the_trace() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String[] args = {
            "fuse",
            "--fuser",
            "chat:openai:m@http://127.0.0.1:" + port + "/v1",
            "--input",
            "x",
            "--candidates",
            "[\"a\"]"
        };
        assertThat(cli.run(args)).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString())
                .startsWith("blender: ")
                .contains("127.0.0.1:" + port)
                .contains("--verbose prints the stack trace");

        CliRun verbose = new CliRun();
        List<String> withVerbose = new ArrayList<>(List.of(args));
        withVerbose.add("--verbose");
        assertThat(verbose.run(withVerbose.toArray(String[]::new))).isEqualTo(1);
        assertThat(verbose.err.toString()).contains("\tat ");
    }

    @Test
    void an_openai_fuser_without_openai_api_key_is_refused_before_any_request() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("OPENAI_API_KEY") == null, "runs where OPENAI_API_KEY is not set; unset it to run");
        int code = cli.run("fuse", "--fuser", "chat:openai:gpt-4o-mini", "--input", "x", "--candidates", "[\"a\"]");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("blender: --fuser chat:openai:gpt-4o-mini calls api.openai.com, which needs OPENAI_API_KEY;"
                        + " export it, or name a keyless OpenAI-compatible server with @BASE_URL");
    }
}
