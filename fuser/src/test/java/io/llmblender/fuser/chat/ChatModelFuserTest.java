package io.llmblender.fuser.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat-model fuser through langchain4j's real OpenAI client, against a loopback chat-completions server. */
class ChatModelFuserTest {
    HttpServer server;
    final List<JsonNode> requests = new ArrayList<>();
    OpenAiChatModel openAi;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            requests.add(new ObjectMapper().readTree(ex.getRequestBody()));
            byte[] body = """
                    {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"fuser-model",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},
                                 "finish_reason":"stop"}],
                     "usage":{"prompt_tokens":50,"completion_tokens":7,"total_tokens":57}}""".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        openAi = OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .modelName("fuser-model")
                .maxRetries(0)
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
                        .connectTimeout(Duration.ofSeconds(5))
                        .readTimeout(Duration.ofSeconds(20)))
                .build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void the_chat_model_sees_the_input_and_the_candidates_in_rank_order_and_its_answer_is_the_fusion() {
        FusionRequest request = new FusionRequest(
                "Answer in one sentence.",
                "What is the capital of France?",
                List.of("Paris.", "The capital is Paris, on the Seine.", "Lyon"));
        FusionResult result = new ChatModelFuser(openAi).fuse(request);

        assertThat(result.text()).isEqualTo("Paris is the capital of France.");
        assertThat(result.generatedTokens()).isEqualTo(7);
        assertThat(result.fuser()).isEqualTo("ChatModelFuser(fuser-model)");
        assertThat(requests).hasSize(1);
        JsonNode sent = requests.get(0);
        assertThat(sent.get("model").asText()).isEqualTo("fuser-model");
        String prompt = sent.get("messages").get(0).get("content").asText();
        assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(prompt)
                .contains("Instruction: Answer in one sentence.")
                .contains("What is the capital of France?")
                .contains("3 candidate answers");
        assertThat(prompt.indexOf("[Rank 1]\nParis."))
                .isPositive()
                .isLessThan(prompt.indexOf("[Rank 2]\nThe capital is Paris, on the Seine."));
        assertThat(prompt.indexOf("[Rank 2]")).isLessThan(prompt.indexOf("[Rank 3]\nLyon"));
    }

    @Test
    void with_a_streaming_model_the_fusion_streams_as_it_arrives() throws Exception {
        server.createContext("/stream/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (String piece : new String[] {"Paris ", "is the ", "capital."}) {
                    out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                                    + "\"},\"finish_reason\":null}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        dev.langchain4j.model.openai.OpenAiStreamingChatModel streaming =
                dev.langchain4j.model.openai.OpenAiStreamingChatModel.builder()
                        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/stream/v1")
                        .modelName("m")
                        .httpClientBuilder(JdkHttpClient.builder()
                                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                        .build();
        List<String> pieces = new ArrayList<>();
        FusionResult r = new ChatModelFuser(openAi)
                .withStreaming(streaming)
                .fuse(new FusionRequest("Capital of France?", List.of("Paris", "Lyon")), pieces::add);
        assertThat(pieces).containsExactly("Paris ", "is the ", "capital.");
        assertThat(r.text()).isEqualTo("Paris is the capital.");
    }

    @Test
    void a_custom_template_replaces_the_prompt_and_must_show_input_and_candidates() {
        ChatModelFuser fuser = new ChatModelFuser(openAi).withTemplate("Q: {{input}}\nA candidates:\n{{candidates}}");
        fuser.fuse(new FusionRequest("2+2?", List.of("4", "four")));
        assertThat(requests.get(0).get("messages").get(0).get("content").asText())
                .isEqualTo("Q: 2+2?\nA candidates:\n[Rank 1]\n4\n\n[Rank 2]\nfour");
        assertThatThrownBy(() -> new ChatModelFuser(openAi).withTemplate("Fuse these: {{candidates}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no {{input}} placeholder");
    }
}
