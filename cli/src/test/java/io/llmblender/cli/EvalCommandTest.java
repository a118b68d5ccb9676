package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blender eval} end to end with the tiny PairRM fixture: the reports are written and hold the numbers. */
class EvalCommandTest {
    static final String MODEL = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize()
            .toString();

    @Test
    void a_pairwise_jsonl_of_ones_own_is_evaluated_in_both_orders(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("mine.jsonl"), """
                {"prompt": "hello, how are you!", "response_a": "hi! I am fine, thanks!", "response_b": "get out!", "label": "a", "group": "chat"}
                {"prompt": "hello!", "response_a": "f**k off!", "response_b": "hi!", "label": "b", "group": "chat"}
                {"prompt": "2+2?", "response_a": "4", "response_b": "four", "label": "tie", "group": "math"}
                """);
        CliRun cli = new CliRun();
        int code = cli.run(
                "eval",
                "pairwise",
                "--ranker",
                MODEL,
                "--file",
                file.toString(),
                "--out",
                tmp.resolve("r").toString());
        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode report =
                new ObjectMapper().readTree(tmp.resolve("r/report.json").toFile());
        assertThat(report.get("items").asInt()).isEqualTo(3);
        assertThat(report.get("agreement").asDouble()).isBetween(0.0, 100.0);
        assertThat(report.get("agreement_by_group").has("chat")).isTrue();
        // PairRM never says tie, so the tie item can never agree
        assertThat(report.get("agreement_by_group").get("math").asDouble()).isZero();
        assertThat(Files.readString(tmp.resolve("r/report.md"))).contains("| judge | chat | math | Overall |");
        // every logit went to the cache (3 items × 2 orders); a rerun reads them back and adds none
        Path cache = tmp.resolve("r/cache/agreement-pairwise.jsonl");
        assertThat(Files.readAllLines(cache)).hasSize(6);
        assertThat(cli.run(
                        "eval",
                        "pairwise",
                        "--ranker",
                        MODEL,
                        "--file",
                        file.toString(),
                        "--out",
                        tmp.resolve("r").toString()))
                .as(cli.err.toString())
                .isZero();
        assertThat(Files.readAllLines(cache)).hasSize(6);
        assertThat(new ObjectMapper()
                        .readTree(tmp.resolve("r/report.json").toFile())
                        .get("agreement"))
                .isEqualTo(report.get("agreement"));
        // the threshold protocol reports the tuned threshold and says it was tuned on the test set
        assertThat(cli.run(
                        "eval",
                        "pairwise",
                        "--ranker",
                        MODEL,
                        "--file",
                        file.toString(),
                        "--protocol",
                        "threshold",
                        "--out",
                        tmp.resolve("t").toString()))
                .as(cli.err.toString())
                .isZero();
        JsonNode t = new ObjectMapper().readTree(tmp.resolve("t/report.json").toFile());
        assertThat(t.get("threshold").asDouble()).isBetween(0.0, 2.0);
        assertThat(Files.readString(tmp.resolve("t/report.md"))).contains("tuned on this test set");
    }

    @Test
    void autoj_and_hhh_reports_carry_the_published_rows(@TempDir Path tmp) throws Exception {
        Path data = Path.of("../../shared/data").toAbsolutePath().normalize();
        Assumptions.assumeTrue(
                Files.isDirectory(data.resolve("autoj_pairwise")),
                "shared/data is not beside the project;" + " run with the project's shared/ folder beside the clone");
        CliRun cli = new CliRun();
        assertThat(cli.run(
                        "eval",
                        "autoj",
                        "--ranker",
                        MODEL,
                        "--data",
                        data.toString(),
                        "--limit",
                        "24",
                        "--out",
                        tmp.resolve("a").toString()))
                .as(cli.err.toString())
                .isZero();
        assertThat(Files.readString(tmp.resolve("a/report.md")))
                .contains("| judge | Summ | Exam | Code | Rewriting | Crea W | Func W | Comm | NLP | Overall |")
                .contains("| PairRM (published) |")
                .contains("59.05");
        assertThat(javax.imageio.ImageIO.read(tmp.resolve("a/agreement.png").toFile())
                        .getHeight())
                .isEqualTo(500);
        assertThat(cli.run(
                        "eval",
                        "hhh",
                        "--ranker",
                        MODEL,
                        "--data",
                        data.toString(),
                        "--limit",
                        "30",
                        "--out",
                        tmp.resolve("h").toString()))
                .as(cli.err.toString())
                .isZero();
        assertThat(Files.readString(tmp.resolve("h/report.md")))
                .contains("| judge | Help. | Harm. | Hon. | Other | Total Avg. |")
                .contains("84.62");
    }

    @Test
    void alpaca_gains_report_every_selector_with_the_published_anchors(@TempDir Path tmp) throws Exception {
        Path data = Path.of("../../shared/data").toAbsolutePath().normalize();
        Assumptions.assumeTrue(
                Files.isDirectory(data.resolve("alpaca_eval")),
                "shared/data is not beside the project;" + " run with the project's shared/ folder beside the clone");
        CliRun cli = new CliRun();
        assertThat(cli.run(
                        "eval",
                        "alpaca",
                        "--pool",
                        "weak",
                        "--ranker",
                        MODEL,
                        "--data",
                        data.toString(),
                        "--limit",
                        "15",
                        "--out",
                        tmp.toString()))
                .as(cli.err.toString())
                .isZero();
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
        assertThat(report.get("instructions").asInt()).isEqualTo(15);
        java.util.List<String> selectors = new java.util.ArrayList<>();
        report.get("scores").forEach(s -> selectors.add(s.get("selector").asText()));
        assertThat(selectors).contains("oracle", "random (expected)", "longest", "shortest", "PairRM", "alpaca-7b");
        // PairRM's cost: 15 instructions × 4 members × 3 other members = 180 ordered pairs at most (identical rows
        // once)
        assertThat(report.get("ranker_pair_rows").get("PairRM").asLong()).isBetween(1L, 180L);
        assertThat(Files.readString(tmp.resolve("report.md")))
                .contains("pairrm-tulu-2-70b | 18.64")
                .contains("![win rate");
        java.awt.image.BufferedImage png =
                javax.imageio.ImageIO.read(tmp.resolve("gains.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1000);
    }

    @Test
    void alpaca_gains_can_select_with_an_llm_judge_on_an_openai_endpoint(@TempDir Path tmp) throws Exception {
        Path data = Path.of("../../shared/data").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(data.resolve("alpaca_eval")), "shared/data is not beside the project");
        com.sun.net.httpserver.HttpServer judge = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        judge.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            byte[] b =
                    ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"j\",\"choices\":[{\"index\":0,"
                                    + "\"message\":{\"role\":\"assistant\",\"content\":\"A\"},\"finish_reason\":\"stop\"}]}")
                            .getBytes();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (java.io.OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        judge.start();
        try {
            CliRun cli = new CliRun();
            int code = cli.run(
                    "eval",
                    "alpaca",
                    "--pool",
                    "alpaca-7b,gpt4",
                    "--data",
                    data.toString(),
                    "--limit",
                    "3",
                    "--llm-judge",
                    "chat:openai:j@http://127.0.0.1:" + judge.getAddress().getPort() + "/v1",
                    "--out",
                    tmp.toString());
            assertThat(code).as(cli.err.toString()).isZero();
            assertThat(Files.readString(tmp.resolve("report.md"))).contains("| LLM judge |");
            assertThat(calls.get()).isEqualTo(3 * 2); // 3 instructions × 2 ordered pairs
        } finally {
            judge.stop(0);
        }
    }
}
