package io.llmblender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.orchestrator.OpenAiLoopback.Reply;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.select.RankingSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Best-of-n with one (loopback OpenAI) model: n samples with the reference's presets, then the best. */
class BestOfNSamplerTest {
    @Test
    void n_samples_with_the_top_p_preset_and_the_longest_wins_a_full_ranking() throws Exception {
        try (OpenAiLoopback server = new OpenAiLoopback()) {
            server.script(
                    "m", Reply.answer("short"), Reply.answer("the longest sample of all"), Reply.answer("medium one"));
            BestOfNSampler best = new BestOfNSampler(
                    server.model("m"), new RankingSelector(TestRankers.BY_LENGTH), 3, BestOfNSampler.Sampling.TOP_P);
            BestOfNSampler.Result r = best.sample(ChatRequest.builder()
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
    void a_caller_temperature_is_kept_and_bubble_selection_needs_two_rows_per_duel() throws Exception {
        try (OpenAiLoopback server = new OpenAiLoopback()) {
            List<String> answers = List.of("hi! I am fine, thanks!", "get out!", "bye!", "hello there");
            server.script("m", answers.stream().map(Reply::answer).toArray(Reply[]::new));
            TestRankers.LongerIsBetter scorer = new TestRankers.LongerIsBetter();
            BestOfNSampler best = new BestOfNSampler(
                    server.model("m"), Strategy.BUBBLE.selector(null, scorer, 11L), 4, BestOfNSampler.Sampling.TOP_P);
            String chosen = best.chat(ChatRequest.builder()
                            .messages(UserMessage.from("hello, how are you!"))
                            .temperature(0.2)
                            .build())
                    .aiMessage()
                    .text();
            // the longest sample, whatever the start order, in 2·(n−1) pair rows
            assertThat(chosen).isEqualTo("hi! I am fine, thanks!");
            assertThat(scorer.rows.get()).isEqualTo(6);
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
