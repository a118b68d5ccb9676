package io.llmblender.fuser.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.runtime.BlenderException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a held stream blocks no other
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
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
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

    /** A streaming model at {@code /<path>/v1} whose server sends {@code pieces}, then does what {@code end} does. */
    OpenAiStreamingChatModel streamingAt(String path, Runnable end, String... pieces) {
        server.createContext("/" + path + "/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String piece : pieces) {
                out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                                + "\"},\"finish_reason\":null}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            end.run();
            // leaving without closing the chunked body: the server drops the connection mid-stream
            throw new IOException("the model's server broke the stream");
        });
        return OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path + "/v1")
                .modelName("m")
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
    }

    @Test
    void a_stream_that_breaks_midway_fails_the_fusion_after_the_pieces_it_sent() {
        List<String> pieces = new CopyOnWriteArrayList<>();
        ChatModelFuser fuser =
                new ChatModelFuser(openAi).withStreaming(streamingAt("broken", () -> {}, "Paris ", "is "));
        assertThatThrownBy(() ->
                        fuser.fuse(new FusionRequest("Capital of France?", List.of("Paris", "Lyon")), pieces::add))
                .isInstanceOf(BlenderException.class)
                .hasMessageStartingWith("the streamed fusion failed: ");
        assertThat(pieces).containsExactly("Paris ", "is ");
    }

    @Test
    void a_stream_that_never_ends_is_waited_for_until_the_timeout_or_until_the_caller_is_interrupted()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = () -> {
            try {
                release.await(); // a model that stops sending and never ends its answer, until the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        FusionRequest request = new FusionRequest("Capital of France?", List.of("Paris", "Lyon"));
        try {
            ChatModelFuser bounded = new ChatModelFuser(openAi)
                    .withStreaming(streamingAt("bounded", hold, "Paris "))
                    .withTimeout(Duration.ofMillis(200));
            assertThatThrownBy(() -> bounded.fuse(request, piece -> {}))
                    .isInstanceOf(BlenderException.class)
                    .hasMessageContaining("did not finish within PT0.2S")
                    .hasMessageContaining("withTimeout");

            ChatModelFuser waiting = new ChatModelFuser(openAi).withStreaming(streamingAt("held", hold, "Paris "));
            List<String> pieces = new CopyOnWriteArrayList<>();
            CountDownLatch first = new CountDownLatch(1);
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    waiting.fuse(request, piece -> {
                        pieces.add(piece);
                        first.countDown();
                    });
                    ended.complete(null);
                } catch (RuntimeException e) {
                    ended.complete(e);
                }
            });
            caller.start();
            assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
            caller.interrupt(); // what a spent fusion budget does to the stage's thread
            assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(pieces).containsExactly("Paris ");
        } finally {
            release.countDown();
        }
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
