package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.eval.metric.Agreement;
import io.llmblender.ranker.Ranking;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The LLM judge through langchain4j's OpenAI client, against a loopback judge that prefers the longer answer. */
class LlmJudgeTest {
    @Test
    void verdicts_in_both_orders_and_a_ranking_come_from_the_chat_model() throws Exception {
        List<String> prompts = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode req = new ObjectMapper().readTree(ex.getRequestBody());
            String p = req.get("messages").get(0).get("content").asText();
            prompts.add(p);
            String a = between(p, "[The Start of Assistant A's Answer]\n", "\n[The End of Assistant A's Answer]");
            String b = between(p, "[The Start of Assistant B's Answer]\n", "\n[The End of Assistant B's Answer]");
            String verdict = a.length() == b.length() ? "TIE" : a.length() > b.length() ? "A" : "B.";
            byte[] body =
                    ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"judge\",\"choices\":[{\"index\":0,"
                                    + "\"message\":{\"role\":\"assistant\",\"content\":\"" + verdict
                                    + "\"},\"finish_reason\":\"stop\"}]}")
                            .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            LlmJudge judge = new LlmJudge(OpenAiChatModel.builder()
                    .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                    .modelName("judge")
                    .maxRetries(0)
                    .httpClientBuilder(JdkHttpClient.builder()
                            .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                    .build());
            List<PairwiseItem> items = List.of(
                    new PairwiseItem("1", "g", "q", "a long answer", "short", PairwiseItem.FIRST),
                    new PairwiseItem("2", "g", "q", "tiny", "a much longer answer", PairwiseItem.SECOND),
                    new PairwiseItem("3", "g", "q", "same", "size", PairwiseItem.TIE));
            Agreement.Result r = Agreement.bothOrders(items, judge.judge(items, false), judge.judge(items, true));
            assertThat(r.agreement()).isEqualTo(100.0);
            assertThat(r.consistency()).isEqualTo(100.0);
            assertThat(prompts.get(0))
                    .contains("[User Question]\nq")
                    .contains("Reply with exactly one word: A, B, or TIE.");
            Ranking ranking = judge.rank("q", List.of("mid size", "x", "the longest answer of all"));
            assertThat(ranking.ranks()).containsExactly(2, 3, 1);
        } finally {
            server.stop(0);
        }
    }

    static String between(String s, String start, String end) {
        int a = s.indexOf(start) + start.length();
        return s.substring(a, s.indexOf(end, a));
    }
}
