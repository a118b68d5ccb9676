package io.llmblender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.orchestrator.TestRankers;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible server, with real clients: langchain4j's own OpenAI chat and streaming models, and a raw
 * HTTP client sending everything a server must refuse. Members are real OpenAI-protocol servers on loopback.
 */
class BlenderServerTest {
    static OpenAiLoopbackAccess members;
    static Blender blender;
    static PairRanker pairRm;
    static BlenderServer server;
    static String base;
    static final HttpClient RAW =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        members = new OpenAiLoopbackAccess();
        members.answer("short", "Paris.");
        members.answer("long", "The capital of France is Paris.");
        blender = Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .guard(GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)))
                .member("short", members.model("short"))
                .member("long", members.model("long"))
                .build();
        pairRm = PairRanker.load(Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
                .toAbsolutePath()
                .normalize());
        server = BlenderServer.builder()
                .blender(blender)
                .ranker(pairRm)
                .pairScorer(pairRm)
                .port(0)
                .maxConcurrent(4)
                .maxBodyBytes(64 * 1024)
                .start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        blender.close();
        pairRm.close();
        members.close();
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Streams one chat through {@code client}, collecting the partial responses; the complete response. */
    static ChatResponse stream(OpenAiStreamingChatModel client, String prompt, List<String> partials) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        client.chat(prompt, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void langchain4j_openai_client_gets_the_ensembles_answer() {
        OpenAiChatModel client = OpenAiChatModel.builder()
                .baseUrl(base + "/v1")
                .modelName("blender")
                .apiKey("unused")
                .maxRetries(0)
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        ChatResponse r = client.chat(dev.langchain4j.data.message.UserMessage.from("What is the capital of France?"));
        assertThat(r.aiMessage().text()).isEqualTo("The capital of France is Paris.");
        assertThat(r.tokenUsage().totalTokenCount()).isEqualTo(30);
    }

    @Test
    void langchain4j_streaming_client_receives_the_streamed_answer() throws Exception {
        OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder()
                .baseUrl(base + "/v1")
                .modelName("blender")
                .apiKey("unused")
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        List<String> partials = new ArrayList<>();
        ChatResponse r = stream(client, "What is the capital of France?", partials);
        assertThat(String.join("", partials)).isEqualTo("The capital of France is Paris.");
        assertThat(partials).hasSizeGreaterThan(1);
        assertThat(r.aiMessage().text()).isEqualTo("The capital of France is Paris.");
    }

    @Test
    void a_token_by_token_fuser_streams_the_fusion_as_it_generates() throws Exception {
        io.llmblender.fuser.genfuser.GenFuser genFuser = io.llmblender.fuser.genfuser.GenFuser.load(
                        Path.of("../fuser/src/test/resources/fixtures/genfuser-e2e")
                                .toAbsolutePath()
                                .normalize())
                .withOptions(new io.llmblender.fuser.genfuser.GenFuser.Options(
                        128, 1024, new io.llmblender.fuser.t5.BeamSearch.Options(1, 1, 1.0, false, 12)));
        try (genFuser;
                Blender fusing = Blender.builder()
                        .ranker(TestRankers.BY_LENGTH)
                        .fuser(genFuser)
                        .member("short", members.model("short"))
                        .member("long", members.model("long"))
                        .build();
                BlenderServer s = BlenderServer.builder()
                        .blender(fusing)
                        .port(0)
                        .maxConcurrent(2)
                        .start()) {
            String expected = fusing.blend("What is the capital of France?").answer();
            OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder()
                    .baseUrl("http://127.0.0.1:" + s.port() + "/v1")
                    .modelName("blender")
                    .apiKey("unused")
                    .httpClientBuilder(JdkHttpClient.builder()
                            .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                    .build();
            List<String> partials = new ArrayList<>();
            stream(client, "What is the capital of France?", partials);
            assertThat(String.join("", partials)).isEqualTo(expected);
            assertThat(partials).hasSizeGreaterThan(1);
        }
    }

    @Test
    void a_named_ensemble_is_served_under_its_name() throws Exception {
        try (BlenderServer named =
                BlenderServer.builder().model("team-a").blender(blender).port(0).start()) {
            String url = "http://127.0.0.1:" + named.port();
            assertThat(JSON.readTree(RAW.send(
                                            HttpRequest.newBuilder(URI.create(url + "/v1/models"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body())
                            .get("data")
                            .get(0)
                            .get("id")
                            .asText())
                    .isEqualTo("team-a");
            for (String[] c : new String[][] {{"team-a", "200"}, {"blender", "404"}}) {
                HttpResponse<String> r = RAW.send(
                        HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + c[0]
                                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            }
        }
    }

    @Test
    void models_health_and_readiness_answer() throws Exception {
        HttpResponse<String> models = RAW.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(models.body()).get("data").get(0).get("id").asText())
                .isEqualTo("blender");
        assertThat(RAW.send(
                                HttpRequest.newBuilder(URI.create(base + "/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        assertThat(RAW.send(
                                HttpRequest.newBuilder(URI.create(base + "/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void every_bad_request_gets_its_4xx_with_a_json_error_and_the_server_keeps_serving() throws Exception {
        String valid = "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Object[][] cases = {
            {"/v1/chat/completions", "application/json", "{not json", 400},
            {"/v1/chat/completions", "application/json", "{\"model\":\"blender\"}", 400},
            {"/v1/chat/completions", "application/json", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400
            },
            {
                "/v1/chat/completions",
                "application/json",
                "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                404
            },
            {
                "/v1/chat/completions",
                "application/json",
                "{\"model\":\"blender\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}",
                400
            },
            {"/v1/chat/completions", "text/plain", valid, 415},
            {"/v1/chat/completions", null, valid, 415},
            {
                "/v1/chat/completions",
                "application/json",
                "{\"model\":\"blender\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
                413
            },
            {"/v1/nothing", "application/json", valid, 404},
            {"/v1/rank", "application/json", "{\"input\":\"x\"}", 400},
            {"/v1/compare", "application/json", "{\"input\":\"x\",\"a\":\"y\"}", 400},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = post((String) c[0], (String) c[1], (String) c[2]);
            assertThat(r.statusCode())
                    .as(
                            "%s %s",
                            c[0],
                            c[2].toString()
                                    .substring(0, Math.min(40, c[2].toString().length())))
                    .isEqualTo((int) c[3]);
            JsonNode err = JSON.readTree(r.body()).get("error");
            assertThat(err.get("message").asText())
                    .isNotBlank()
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception");
            assertThat(err.get("type").asText()).isNotBlank();
        }
        HttpResponse<String> get = RAW.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> ok = post("/v1/chat/completions", "application/json", valid);
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void rank_and_compare_give_the_java_apis_numbers() throws Exception {
        List<String> candidates = List.of("get out!", "hi! I am fine, thanks!", "bye!");
        HttpResponse<String> r = post(
                "/v1/rank",
                "application/json",
                JSON.writeValueAsString(java.util.Map.of("input", "hello, how are you!", "candidates", candidates)));
        assertThat(r.statusCode()).isEqualTo(200);
        Ranking expected = pairRm.rank("hello, how are you!", candidates);
        JsonNode body = JSON.readTree(r.body());
        for (int i = 0; i < 3; i++) {
            assertThat((float) body.get("scores").get(i).asDouble()).isEqualTo(expected.scores()[i]);
            assertThat(body.get("ranks").get(i).asInt()).isEqualTo(expected.ranks()[i]);
        }
        HttpResponse<String> c = post(
                "/v1/compare",
                "application/json",
                JSON.writeValueAsString(
                        java.util.Map.of("input", "hello!", "a", "hi!", "b", "f**k off!", "mode", "[A,B]")));
        // pairrm-e2e's cases.json, compare_cases "readme_compare", mode [A,B], input 0: f(A, B) = -0.31123728
        assertThat(JSON.readTree(c.body()).get("logit").asDouble())
                .isCloseTo(-0.31123728, org.assertj.core.data.Offset.offset(5e-6));
        assertThat(JSON.readTree(c.body()).get("result").asBoolean()).isFalse();
    }

    /** A member server that signals a request's arrival and holds its answer until released. */
    static HttpServer slowMember(CountDownLatch arrived, CountDownLatch release) throws Exception {
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b =
                    ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                                    + "\"message\":{\"role\":\"assistant\",\"content\":\"slow answer\"},\"finish_reason\":\"stop\"}]}")
                            .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        slow.start();
        return slow;
    }

    static OpenAiChatModel memberAt(HttpServer slow) {
        return OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + slow.getAddress().getPort() + "/v1")
                .modelName("m")
                .maxRetries(0)
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
    }

    static HttpRequest chatRequest(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    @Test
    void a_full_server_answers_429_and_loses_no_request() throws Exception {
        // given a one-slot server whose only member holds its answer until released
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer slow = slowMember(arrived, release);
        OpenAiChatModel member = memberAt(slow);
        try (Blender one = Blender.builder()
                        .ranker(TestRankers.TIED)
                        .member("slow", member)
                        .build();
                BlenderServer busy = BlenderServer.builder()
                        .blender(one)
                        .port(0)
                        .maxConcurrent(1)
                        .start()) {
            HttpRequest req = chatRequest(busy.port());
            CompletableFuture<HttpResponse<String>> first = RAW.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
            // when a second request comes while the slot is taken
            HttpResponse<String> second = RAW.send(req, HttpResponse.BodyHandlers.ofString());
            release.countDown();
            // then it is refused at once, and the first still gets its answer
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.headers().firstValue("Retry-After")).contains("1");
            assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(first.get().body())
                            .get("choices")
                            .get(0)
                            .get("message")
                            .get("content")
                            .asText())
                    .isEqualTo("slow answer");
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void graceful_shutdown_lets_the_running_request_finish_and_refuses_new_ones() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer slow = slowMember(arrived, release);
        try (Blender one = Blender.builder()
                .ranker(TestRankers.TIED)
                .member("slow", memberAt(slow))
                .build()) {
            BlenderServer s = BlenderServer.builder()
                    .blender(one)
                    .port(0)
                    .maxConcurrent(2)
                    .start();
            CompletableFuture<HttpResponse<String>> running =
                    RAW.sendAsync(chatRequest(s.port()), HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
            // once it reports not ready, new work is refused while the running request drains
            int ready = 200;
            for (int i = 0; i < 1000 && ready == 200; i++) {
                ready = RAW.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            assertThat(ready).isEqualTo(503);
            assertThat(RAW.send(chatRequest(s.port()), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(503);
            assertThat(closing).isNotDone();
            release.countDown();
            assertThat(running.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            slow.stop(0);
        }
    }
}
