package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlenderCommandTest {
    final CliRun cli = new CliRun();
    final StringWriter out = cli.out;
    final StringWriter err = cli.err;

    int run(String... args) {
        return cli.run(args);
    }

    @Test
    void version_names_the_build_version_and_the_engine_versions_the_build_links() throws Exception {
        // given the versions of this build (build.properties, filtered by Maven from the poms)
        Properties build = new Properties();
        try (InputStream in = BlenderCommandTest.class.getResourceAsStream("/build.properties")) {
            build.load(in);
        }
        assertThat(build.getProperty("project.version")).doesNotContain("${");
        // when
        assertThat(run("--version")).isZero();
        // then
        assertThat(out.toString().lines())
                .containsExactly(
                        "blender " + build.getProperty("project.version") + " (LLM-Blender for the JVM)",
                        "Java " + System.getProperty("java.version") + ", DJL " + build.getProperty("djl.version")
                                + " / PyTorch " + build.getProperty("pytorch.version") + " (CPU)");
    }

    @Test
    void help_lists_the_bench_command() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: blender").contains("bench");
        assertThat(run("bench", "--help")).isZero();
        assertThat(out.toString()).contains("pairrm");
    }

    @Test
    void bench_pairrm_reports_each_shape_against_the_machines_matmul_and_writes_json(@TempDir Path tmp)
            throws Exception {
        // given a tiny model shape, so the run takes a second (the numbers are not checked: speed is not a unit test)
        Path json = tmp.resolve("bench.json");
        int code = run(
                "bench",
                "pairrm",
                "--layers",
                "2",
                "--hidden",
                "64",
                "--heads",
                "4",
                "--intermediate",
                "128",
                "--vocab",
                "1005",
                "--buckets",
                "16",
                "--shapes",
                "1x32,2x48",
                "--warmup",
                "0",
                "--reps",
                "1",
                "--matmul",
                "128",
                "--precision",
                "fp32,bf16",
                "--json",
                json.toString());
        // then each precision ran in its own JVM, against its own matmul
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("| precision | batch | tokens | median s | GFLOP/s | matmul GFLOP/s | / matmul |")
                .containsPattern("\\| fp32 \\| 1 \\| 32 \\| [0-9.]+ \\|")
                .containsPattern("\\| bf16 \\| 2 \\| 48 \\| [0-9.]+ \\|")
                .contains("max |Δlogit| fp32 vs bf16");
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("rows")).hasSize(4);
        assertThat(report.get("machine").get("cpu_flags").isArray()).isTrue();
        assertThat(report.get("max_abs_delta_logit").asDouble()).isPositive().isLessThan(0.1);
        JsonNode first = report.get("rows").get(0);
        assertThat(first.get("precision").asText()).isEqualTo("fp32");
        assertThat(first.get("median_s").asDouble()).isPositive();
        assertThat(first.get("matmul_gflops").asDouble()).isPositive();
        assertThat(report.get("rows").get(2).get("precision").asText()).isEqualTo("bf16");
        // GFLOP by the reference's count: 2 layers of 24·L·H² + 4·L²·H + 4·L·2k·H + 4·2k·H² at L=32, H=64, 2k=32
        double perLayer = 24.0 * 32 * 64 * 64 + 4.0 * 32 * 32 * 64 + 4.0 * 32 * 32 * 64 + 4.0 * 32 * 64 * 64;
        assertThat(first.get("gflop").asDouble())
                .isCloseTo(2 * perLayer / 1e9, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void bench_genfuser_decodes_each_precision_in_its_own_jvm_and_writes_the_snake_case_report(@TempDir Path tmp)
            throws Exception {
        // given tiny shapes, so both child JVMs take seconds (speed itself is not a unit test)
        Path json = tmp.resolve("genfuser.json");
        int code = run(
                "bench",
                "genfuser",
                "--precision",
                "fp32,bf16",
                "--d-model",
                "64",
                "--layers",
                "2",
                "--heads",
                "4",
                "--d-kv",
                "16",
                "--d-ff",
                "128",
                "--vocab",
                "1000",
                "--input-tokens",
                "40",
                "--steps",
                "8",
                "--bf16-steps",
                "6",
                "--warmup",
                "2",
                "--matmul",
                "128",
                "--json",
                json.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .containsPattern("\\| fp32 \\| encoder \\| [0-9.]+ \\|")
                .containsPattern("\\| bf16 \\| decoder_step \\| [0-9.]+ \\|")
                .contains("fp32: weights ")
                .contains("; 8 decode steps")
                .contains("; 6 decode steps")
                .contains("decoder step: bf16 / fp32 = ");
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("machine").get("cpu_flags").isArray()).isTrue();
        JsonNode rows = report.get("rows");
        assertThat(rows).hasSize(4);
        List<String> expected = List.of("fp32 encoder", "fp32 decoder_step", "bf16 encoder", "bf16 decoder_step");
        for (int i = 0; i < 4; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("precision").asText() + " " + r.get("stage").asText())
                    .isEqualTo(expected.get(i));
            for (String field : List.of("ms", "gflops", "matmul_gflops", "weight_gbps")) {
                assertThat(r.get(field).asDouble()).as("%s of row %d", field, i).isPositive();
            }
            assertThat(r.get("peak_rss_growth_mib").asLong()).isNotNegative();
        }
        // the per-step growth is a number for the decoder and absent for the encoder
        assertThat(rows.get(0).get("rss_growth_mib_per_step").isNull()).isTrue();
        assertThat(rows.get(1).get("rss_growth_mib_per_step").isNumber()).isTrue();
        // bytes per second = bytes per step / seconds per step: fp32 reads twice the bytes bf16 does per step;
        // the projections one step reads, 2 layers of (6·d·inner + 3·d·d_ff) plus the head d·vocab, in fp32
        double stepBytes = 4.0 * (2 * (6 * 64 * 64 + 3 * 64 * 128) + 64 * 1000);
        assertThat(rows.get(1).get("weight_gbps").asDouble())
                .isCloseTo(
                        stepBytes / (rows.get(1).get("ms").asDouble() / 1e3) / 1e9,
                        org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void a_malformed_shape_is_a_usage_error_not_a_stack_trace() {
        int code = run("bench", "pairrm", "--shapes", "1by512");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("--shapes takes BATCHxTOKENS items such as 1x512, not '1by512'");
    }

    @Test
    void a_mistyped_command_gets_a_did_you_mean_on_one_line_and_exit_1() {
        assertThat(run("rnk")).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo(
                        "blender: unknown command 'rnk'; did you mean rank or rank-with-ref? (see 'blender --help')");
    }

    @Test
    void a_mistyped_option_is_named_before_the_required_option_it_leaves_missing() {
        // --modle is --model mistyped, so "--model is missing" would send the user looking in the wrong place
        assertThat(run("rank", "--modle", "x", "--input", "a", "--candidates", "[\"a\"]"))
                .isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("blender rank: unknown option '--modle'; did you mean --model? (see 'blender rank --help')");
    }

    @Test
    void a_missing_option_is_one_line_without_the_usage_page() {
        assertThat(run("compare-conversations", "-a", "x")).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("blender compare-conversations: Missing required option");
    }

    @Test
    void verbose_adds_the_stack_trace_to_the_one_line_error(@TempDir Path tmp) {
        String missing = tmp.resolve("no-such-model").toString();
        String[] args = {"rank", "--model", missing, "--input", "a", "--candidates", "[\"a\"]"};
        assertThat(run(args)).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("blender: ").contains("no-such-model");

        CliRun verbose = new CliRun();
        assertThat(verbose.run(java.util.stream.Stream.concat(
                                java.util.stream.Stream.of("--verbose"), java.util.Arrays.stream(args))
                        .toArray(String[]::new)))
                .isEqualTo(1);
        assertThat(verbose.err.toString()).startsWith(err.toString().strip()).contains("\tat ");
    }
}
