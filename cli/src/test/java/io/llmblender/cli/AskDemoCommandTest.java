package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blender demo} and {@code blender ask} run offline on replayed MT-bench members. */
class AskDemoCommandTest {
    final CliRun cli = new CliRun();

    @Test
    void demo_prints_the_question_every_member_the_ranking_and_the_chosen_answer() {
        int code = cli.run("demo", "--question", "2");
        assertThat(code).as(cli.err.toString()).isZero();
        String out = cli.out.toString();
        assertThat(out).startsWith("Question: ").contains("offline consensus").contains("| rank | member | score |");
        for (String m : new String[] {"gpt-4", "gpt-3.5-turbo", "claude-v1", "vicuna-13b-v1.3", "alpaca-13b"}) {
            assertThat(out).contains("| " + m + " |");
        }
        assertThat(out).containsPattern("\\| 1 \\| [\\w.-]+ \\|").contains("Chosen: ");
    }

    @Test
    void ask_runs_a_configured_ensemble_and_prints_the_trace(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("a.jsonl"), "{\"prompt\": \"What is 2+2?\", \"answer\": \"4\"}\n");
        Files.writeString(data.resolve("b.jsonl"), "{\"prompt\": \"What is 2+2?\", \"answer\": \"2+2 equals 4.\"}\n");
        Files.writeString(data.resolve("c.jsonl"), "{\"prompt\": \"Another question\", \"answer\": \"x\"}\n");
        Path config = Files.writeString(tmp.resolve("ensemble.json"), """
                {"members": [
                   {"name": "a", "provider": "replay", "answers": "data/a.jsonl"},
                   {"name": "b", "provider": "replay", "answers": "data/b.jsonl"},
                   {"name": "c", "provider": "replay", "answers": "data/c.jsonl", "max_attempts": 1}],
                 "ranker": {"type": "consensus"}}
                """);
        int code = cli.run("ask", "--config", config.toString(), "--trace", "What", "is", "2+2?");
        assertThat(code).as(cli.err.toString()).isZero();
        String out = cli.out.toString();
        assertThat(out)
                .contains("| a | answered: 4 | 1 |")
                .contains("| b | answered: 2+2 equals 4. | 1 |")
                .contains("| c | failed: InvalidRequestException: replay member 'c' has no recorded answer");
        assertThat(out.lines().findFirst().orElseThrow()).isIn("4", "2+2 equals 4.");
    }

    @Test
    void bench_serve_accounts_for_every_request() {
        int code = cli.run("bench", "serve", "--requests", "12", "--clients", "4", "--max-concurrent", "2");
        assertThat(code).as(cli.err.toString()).isZero();
        String out = cli.out.toString();
        assertThat(out)
                .contains("| answered (200) | refused (429) | lost |")
                .containsPattern("\\| \\d+ \\| \\d+ \\| 0 \\|");
    }

    @Test
    void a_broken_config_is_one_message_naming_the_file_and_fields(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(
                tmp.resolve("bad.json"), "{\"members\": [{\"name\": \"x\", \"provider\": \"nope\"}]}");
        assertThat(cli.run("ask", "--config", config.toString(), "hi")).isEqualTo(1);
        assertThat(cli.err.toString())
                .startsWith("blender: " + config)
                .contains("members[0].provider")
                .doesNotContain("\tat ");
    }

    @Test
    void a_member_whose_key_is_not_set_is_named_before_any_request(@TempDir Path tmp) throws Exception {
        // given an openai member on a loopback server that counts requests, its key variable unset
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
        try {
            String unset = "BLENDER_TEST_KEY_THAT_IS_NOT_SET";
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(unset) == null, unset + " must not be set");
            Path config = Files.writeString(tmp.resolve("ensemble.json"), """
                    {"members": [{"name": "gpt", "provider": "openai", "model": "gpt-4o-mini",
                                  "base_url": "http://127.0.0.1:%d/v1", "api_key_env": "%s"}],
                     "ranker": {"type": "consensus"}}
                    """.formatted(
                            server.getAddress().getPort(), unset));
            // when
            int code = cli.run("ask", "--config", config.toString(), "hi");
            // then
            assertThat(code).isEqualTo(1);
            assertThat(cli.err.toString().strip().lines()).hasSize(1);
            assertThat(cli.err.toString())
                    .contains("members.gpt.api_key_env")
                    .contains("names " + unset + ", which is not set");
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void the_configs_ranker_strategy_precision_and_device_reach_pairrm(@TempDir Path tmp) throws Exception {
        // given two replayed members and the tiny e2e PairRM, knockout selection in fp32
        Files.writeString(tmp.resolve("a.jsonl"), "{\"prompt\": \"hello, how are you!\", \"answer\": \"get out!\"}\n");
        Files.writeString(
                tmp.resolve("b.jsonl"),
                "{\"prompt\": \"hello, how are you!\", \"answer\": \"hi! I am fine, thanks!\"}\n");
        String members = "[{\"name\": \"a\", \"provider\": \"replay\", \"answers\": \"a.jsonl\"},"
                + " {\"name\": \"b\", \"provider\": \"replay\", \"answers\": \"b.jsonl\"}]";
        String ranker = "{\"model\": \"" + RankCompareCommandTest.MODEL + "\", \"strategy\": \"knockout\","
                + " \"precision\": \"fp32\", \"device\": \"%s\"}";
        Path cpu = Files.writeString(
                tmp.resolve("cpu.json"), "{\"members\": " + members + ", \"ranker\": " + ranker.formatted("cpu") + "}");
        // when
        int code = cli.run("ask", "--config", cpu.toString(), "hello, how are you!");
        // then the duel's winner in the reference's matrix (pairrm-e2e cases.json, readme_rank input 0):
        // f(0,1) - f(1,0) = 0.37675315 - (-0.14160699) > 0, so "get out!" wins (random weights)
        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString().strip()).isEqualTo("get out!");

        // and a device this machine lacks is refused by the loader, which proves the field reached it
        Path gpu = Files.writeString(
                tmp.resolve("gpu.json"), "{\"members\": " + members + ", \"ranker\": " + ranker.formatted("gpu") + "}");
        CliRun refused = new CliRun();
        // (the build links the CPU natives only, so no machine running it has a GPU engine)
        assertThat(refused.run("ask", "--config", gpu.toString(), "hello, how are you!"))
                .isEqualTo(1);
        assertThat(refused.err.toString()).contains("is gpu, but the PyTorch engine sees no GPU");
    }

    @Test
    void a_genfuser_on_a_gpu_reaches_the_loader_which_refuses_it_without_a_gpu_engine(@TempDir Path tmp)
            throws Exception {
        Files.writeString(tmp.resolve("a.jsonl"), "{\"prompt\": \"hi\", \"answer\": \"hello\"}\n");
        Path config = Files.writeString(tmp.resolve("e.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"type": "consensus"},
                 "fuser": {"type": "genfuser", "model": "%s", "device": "gpu"}}
                """.formatted(FuseCommandTest.GENFUSER));
        assertThat(cli.run("ask", "--config", config.toString(), "hi")).isEqualTo(1);
        // the CPU natives are the only ones linked, so the loader's device check is what answers
        assertThat(cli.err.toString()).contains("is gpu, but the PyTorch engine sees no GPU");
    }

    @Test
    void a_genfuser_in_the_config_loads_in_the_configured_precision_and_fuses_the_ranked_answers(@TempDir Path tmp)
            throws Exception {
        // given three replayed members, the tiny e2e PairRM and the tiny GenFuser folder, both in fp32
        List<String> answers = List.of("get out!", "hi! I am fine, thanks!", "bye!");
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < answers.size(); i++) {
            Files.writeString(
                    tmp.resolve(i + ".jsonl"),
                    "{\"prompt\": \"hello, how are you!\", \"answer\": \"" + answers.get(i) + "\"}\n");
            members.append(i == 0 ? "" : ",")
                    .append("{\"name\": \"m" + i + "\", \"provider\": \"replay\", \"answers\": \"" + i + ".jsonl\"}");
        }
        Path config = Files.writeString(
                tmp.resolve("e.json"), """
                {"members": [%s],
                 "ranker": {"model": "%s", "precision": "fp32"},
                 "fuser": {"type": "genfuser", "model": "%s", "precision": "fp32", "device": "cpu"},
                 "policy": "rank-and-fuse", "top_k": 2}
                """.formatted(members, RankCompareCommandTest.MODEL, FuseCommandTest.GENFUSER));
        // when
        int code = cli.run("ask", "--config", config.toString(), "hello, how are you!");
        // then: the fp32 GenFuser's fusion of the best two by the reference's ranks (readme_rank input 0: ranks
        // [2, 3, 1], so "bye!" then "get out!")
        assertThat(code).as(cli.err.toString()).isZero();
        try (io.llmblender.fuser.genfuser.GenFuser fuser = io.llmblender.fuser.genfuser.GenFuser.load(
                FuseCommandTest.GENFUSER, io.llmblender.runtime.kernel.Precision.FP32)) {
            String expected = fuser.fuse(
                            new io.llmblender.fuser.FusionRequest("hello, how are you!", List.of("bye!", "get out!")))
                    .text();
            assertThat(cli.out.toString().strip()).isEqualTo(expected.strip());
        }
    }
}
