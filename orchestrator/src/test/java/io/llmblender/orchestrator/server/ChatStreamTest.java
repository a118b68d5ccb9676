package io.llmblender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.llmblender.fuser.chat.ChatModelFuser;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.orchestrator.TestRankers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fusion that fails after part of it was streamed (issue 12 item 4): the fusing model is a real OpenAI-protocol
 * server on loopback that streams two pieces and then drops the connection, behind langchain4j's own streaming
 * client. The stream must end with one error event, never with a finish or the fallback answer after the pieces;
 * the same request without streaming keeps the documented fallback (the top-ranked answer).
 */
class ChatStreamTest {
    static final String QUESTION = "What is the capital of France?";
    static final String TOP_RANKED = "The capital of France is Paris.";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient RAW =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static OpenAiLoopbackAccess members;
    static HttpServer fusingModel;
    static Blender blender;
    static BlenderServer server;

    @BeforeAll
    static void start() throws Exception {
        members = new OpenAiLoopbackAccess();
        members.answer("short", "Paris.");
        members.answer("long", TOP_RANKED);
        fusingModel = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fusingModel.setExecutor(Executors.newCachedThreadPool());
        fusingModel.createContext("/v1/chat/completions", ChatStreamTest::failMidway);
        fusingModel.start();
        String url = "http://127.0.0.1:" + fusingModel.getAddress().getPort() + "/v1";
        ChatModelFuser fuser = new ChatModelFuser(OpenAiChatModel.builder()
                        .baseUrl(url)
                        .modelName("fuser")
                        .maxRetries(0)
                        .httpClientBuilder(http())
                        .build())
                .withStreaming(OpenAiStreamingChatModel.builder()
                        .baseUrl(url)
                        .modelName("fuser")
                        .httpClientBuilder(http())
                        .build());
        blender = Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .fuser(fuser)
                .member("short", members.model("short"))
                .member("long", members.model("long"))
                .build();
        server = BlenderServer.builder().blender(blender).port(0).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        blender.close();
        fusingModel.stop(0);
        members.close();
    }

    static dev.langchain4j.http.client.jdk.JdkHttpClientBuilder http() {
        return JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    }

    /** Streaming: two pieces, then the connection drops mid-body. Not streaming: a 500. */
    static void failMidway(com.sun.net.httpserver.HttpExchange ex) throws IOException {
        boolean stream = JSON.readTree(ex.getRequestBody()).path("stream").asBoolean();
        if (!stream) {
            byte[] body = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes();
            ex.sendResponseHeaders(500, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (String piece : new String[] {"Fused ", "beginning "}) {
            out.write(("data: {\"id\":\"f\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fuser\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                            + "\"},\"finish_reason\":null}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        throw new IOException("the fusing model's server dropped the stream"); // the chunked body never ends
    }

    static HttpRequest chat(boolean stream) throws IOException {
        String body = "{\"model\":\"blender\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(QUESTION) + "}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    @Test
    void a_fusion_that_fails_midstream_ends_the_stream_with_an_error_event_and_no_fallback() throws Exception {
        HttpResponse<InputStream> r = RAW.send(chat(true), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        boolean broken = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring("data: ".length()));
                }
            }
        } catch (IOException dropped) {
            broken = true;
        }
        assertThat(broken).as("the connection is dropped after the error event").isTrue();
        JsonNode error = JSON.readTree(events.get(events.size() - 1));
        assertThat(error.path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("error").path("code").asText()).isEqualTo("fusion_failed");
        assertThat(error.path("error").path("message").asText())
                .contains("unfinished")
                .contains("retry");
        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode choice = JSON.readTree(event).path("choices").path(0);
            assertThat(choice.path("finish_reason").isNull())
                    .as("no chunk says the answer finished: %s", event)
                    .isTrue();
            content.append(choice.path("delta").path("content").asText(""));
        }
        assertThat(content.toString()).isEqualTo("Fused beginning ");
        assertThat(events).noneMatch(e -> e.contains(TOP_RANKED) || e.equals("[DONE]"));
    }

    @Test
    void langchain4j_streaming_client_gets_an_error_not_a_complete_response() throws Exception {
        OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .modelName("blender")
                .apiKey("unused")
                .httpClientBuilder(http())
                .build();
        List<String> partials = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> BlenderServerTest.stream(client, QUESTION, partials))
                .as("onError, not onCompleteResponse")
                .isInstanceOf(ExecutionException.class);
        assertThat(String.join("", partials)).isEqualTo("Fused beginning ");
    }

    @Test
    void without_streaming_a_failed_fusion_falls_back_to_the_top_ranked_answer() throws Exception {
        HttpResponse<String> r = RAW.send(chat(false), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("choices").path(0).path("message").path("content").asText())
                .isEqualTo(TOP_RANKED);
        assertThat(body.path("blender").path("chosen").asText()).isEqualTo("long");
    }
}
