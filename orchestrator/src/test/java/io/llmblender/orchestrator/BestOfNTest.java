package io.llmblender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.orchestrator.OpenAiLoopback.Reply;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Best-of-n with one (loopback OpenAI) model: n samples with the reference's presets, then the best. */
class BestOfNTest {
    @Test
    void n_samples_with_the_top_p_preset_and_the_longest_wins_a_full_ranking() throws Exception {
        try (OpenAiLoopback server = new OpenAiLoopback()) {
            server.script(
                    "m", Reply.answer("short"), Reply.answer("the longest sample of all"), Reply.answer("medium one"));
            BestOfN best = new BestOfN(
                    server.model("m"),
                    (input, c) -> Ranking.of(c, lengths(c), new float[0][]),
                    3,
                    BestOfN.Sampling.TOP_P,
                    BestOfN.Selection.FULL,
                    7L);
            BestOfN.Result r = best.sample(ChatRequest.builder()
                    .messages(UserMessage.from("Say something"))
                    .build());
            assertThat(r.samples()).containsExactly("short", "the longest sample of all", "medium one");
            assertThat(r.answer()).isEqualTo("the longest sample of all");
            assertThat(r.usage().outputTokenCount()).isEqualTo(15);
            assertThat(server.requests).hasSize(3).allSatisfy(req -> {
                assertThat(req.get("temperature").asDouble()).isEqualTo(0.7);
                assertThat(req.get("top_p").asDouble()).isEqualTo(1.0);
            });
        }
    }

    @Test
    void a_caller_temperature_is_kept_and_bubble_selection_uses_pairrm() throws Exception {
        Path pairRm = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
                .toAbsolutePath()
                .normalize();
        try (OpenAiLoopback server = new OpenAiLoopback();
                PairRanker ranker = PairRanker.load(pairRm)) {
            List<String> answers = List.of("hi! I am fine, thanks!", "get out!", "bye!", "hello there");
            server.script("m", answers.stream().map(Reply::answer).toArray(Reply[]::new));
            BestOfN best =
                    new BestOfN(server.model("m"), ranker, 4, BestOfN.Sampling.TOP_P, BestOfN.Selection.BUBBLE, 11L);
            String chosen = best.chat(ChatRequest.builder()
                            .messages(UserMessage.from("hello, how are you!"))
                            .temperature(0.2)
                            .build())
                    .aiMessage()
                    .text();
            int expected = ranker.bestOfN(
                            List.of(new PairRanker.Item("hello, how are you!", answers)),
                            List.of(PairRanker.shuffled(4, new SplittableRandom(11L))))
                    .get(0)
                    .winner();
            assertThat(chosen).isEqualTo(answers.get(expected));
            JsonNode first = server.requests.get(0);
            assertThat(first.get("temperature").asDouble()).isEqualTo(0.2);
        }
    }

    static float[] lengths(List<String> c) {
        float[] s = new float[c.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = c.get(i).length();
        }
        return s;
    }
}
