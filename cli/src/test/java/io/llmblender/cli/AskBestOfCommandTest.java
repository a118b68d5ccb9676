package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender ask --best-of N} (Python's {@code best_of_n_generate}): N samples from one member on a loopback
 * OpenAI-compatible server, the best by the configured PairRM (the e2e fixture).
 */
class AskBestOfCommandTest {
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void best_of_n_samples_one_member_n_times_and_returns_the_answer_that_wins_every_duel() throws Exception {
        // given alpaca_c4 input 0 of pairrm-e2e: candidate 0 beats every other one in the reference's matrix
        JsonNode c = PythonEntryPointsCommandTest.CASES.get("rank_cases").findParents("name").stream()
                .filter(n -> n.get("name").asText().equals("alpaca_c4"))
                .findFirst()
                .orElseThrow();
        assertThat(PythonEntryPointsCommandTest.condorcet(
                        c.get("original_batched").get("cmp_matrix").get(0), +1))
                .isZero();
        String question = c.get("inputs").get(0).asText();
        List<String> answers = json.convertValue(
                c.get("candidates").get(0), json.getTypeFactory().constructCollectionType(List.class, String.class));
        // a member that answers with the next recorded candidate on each call, last one first so the best is not first
        List<JsonNode> requests = new CopyOnWriteArrayList<>();
        try (LoopbackChat server = new LoopbackChat(body -> {
            requests.add(read(body));
            return LoopbackChat.completion(answers.get(answers.size() - requests.size()));
        })) {
            Files.writeString(tmp.resolve("none.jsonl"), "{\"prompt\": \"unrelated\", \"answer\": \"x\"}\n");
            Path config = Files.writeString(
                    tmp.resolve("e.json"), """
                    {"members": [{"name": "sampler", "provider": "openai-compatible", "model": "m",
                                  "base_url": "%s"},
                                 {"name": "other", "provider": "replay", "answers": "none.jsonl"}],
                     "ranker": {"model": "%s", "strategy": "bubble", "precision": "fp32"}}
                    """.formatted(server.baseUrl(), RankCompareCommandTest.MODEL));
            CliRun cli = new CliRun();
            // when
            int code = cli.run(
                    "ask", "--config", config.toString(), "--best-of", "4", "--member", "sampler", "--trace", question);
            // then
            assertThat(code).as(cli.err.toString()).isZero();
            assertThat(cli.out.toString()).startsWith(answers.get(0) + "\n").contains("| 3 | yes |");
            assertThat(requests).hasSize(4);
            for (JsonNode r : requests) {
                assertThat(r.get("temperature").asDouble()).isEqualTo(0.7); // the reference's top-p preset
                assertThat(r.get("top_p").asDouble()).isEqualTo(1.0);
                assertThat(r.get("messages").get(0).get("content").asText()).isEqualTo(question);
            }
        }
    }

    JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void best_of_needs_one_member_named_when_there_are_several() throws Exception {
        Path config = Files.writeString(tmp.resolve("e.json"), """
                {"members": [{"name": "alpha", "provider": "replay", "answers": "a.jsonl"},
                             {"name": "beta", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"type": "consensus"}}
                """);
        Files.writeString(tmp.resolve("a.jsonl"), "{\"prompt\": \"hi\", \"answer\": \"hello\"}\n");
        CliRun none = new CliRun();
        assertThat(none.run("ask", "--config", config.toString(), "--best-of", "3", "hi"))
                .isEqualTo(1);
        assertThat(none.err.toString())
                .isEqualTo("blender: --best-of samples one member; name it with --member (one of alpha, beta)\n");
        CliRun typo = new CliRun();
        assertThat(typo.run("ask", "--config", config.toString(), "--best-of", "3", "--member", "alpah", "hi"))
                .isEqualTo(1);
        assertThat(typo.err.toString()).contains("--member 'alpah' is not in").contains("did you mean alpha?");
    }
}
