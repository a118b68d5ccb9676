package io.llmblender.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback speaking OpenAI's chat-completions protocol, one endpoint per member name
 * ({@code /<member>/v1/chat/completions}), each with a scripted behaviour: answer, fail with a status, hang,
 * or send malformed JSON. Members are langchain4j's own {@link OpenAiChatModel} pointed at it. A hanging reply
 * is held until the loopback closes, never for a fixed time, so no test depends on how fast the machine is.
 */
final class OpenAiLoopback implements AutoCloseable {
    /** One scripted reply: a status and a body, or ({@code held}) no reply until the loopback closes. */
    record Reply(int status, String body, boolean held, Map<String, String> headers) {
        static Reply answer(String text) {
            return new Reply(200, completion(text), false, Map.of());
        }

        static Reply status(int status) {
            return new Reply(
                    status, "{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"x\"}}", false, Map.of());
        }

        /** OpenAI's streaming reply: one server-sent {@code chat.completion.chunk} event per piece, then [DONE]. */
        static Reply stream(String... pieces) {
            StringBuilder sse = new StringBuilder();
            for (String piece : pieces) {
                sse.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":")
                        .append(quote(piece))
                        .append("},\"finish_reason\":null}]}\n\n");
            }
            sse.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
            return new Reply(200, sse.toString(), false, Map.of("Content-Type", "text/event-stream"));
        }

        /** A member that never answers while the test runs. */
        static Reply hang() {
            return new Reply(200, completion("too late"), true, Map.of());
        }
    }

    private final HttpServer server;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, List<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> arrivals = new ConcurrentHashMap<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    OpenAiLoopback() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Scripts a member: reply i answers call i; the last reply repeats. */
    void script(String member, Reply... replies) {
        scripts.put(member, List.of(replies));
        calls.put(member, new AtomicInteger());
        arrivals.put(member, new Semaphore(0));
    }

    /** Waits until {@code member}'s server has received {@code n} more requests (false after 30 s). */
    boolean awaitRequests(String member, int n) throws InterruptedException {
        return arrivals.get(member).tryAcquire(n, 30, TimeUnit.SECONDS);
    }

    int calls(String member) {
        return calls.get(member).get();
    }

    OpenAiChatModel model(String member) {
        return model(member, "http://127.0.0.1:" + server.getAddress().getPort() + "/" + member + "/v1");
    }

    /** The member's streaming model, for a reply scripted with {@link Reply#stream}. */
    OpenAiStreamingChatModel streamingModel(String member) {
        return OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/" + member + "/v1")
                .modelName(member)
                .httpClientBuilder(http())
                .build();
    }

    static OpenAiChatModel model(String member, String baseUrl) {
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .modelName(member)
                .maxRetries(0)
                .httpClientBuilder(http())
                .build();
    }

    private static JdkHttpClientBuilder http() {
        return JdkHttpClient.builder()
                .httpClientBuilder(
                        java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1))
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(30));
    }

    private void handle(HttpExchange ex) throws IOException {
        String member = ex.getRequestURI().getPath().split("/")[1];
        requests.add(new ObjectMapper().readTree(ex.getRequestBody()));
        List<Reply> script = scripts.get(member);
        int n = calls.get(member).getAndIncrement();
        arrivals.get(member).release();
        Reply r = script.get(Math.min(n, script.size() - 1));
        if (r.held()) {
            try {
                closing.await(); // the server side of a hanging member, released by close()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", r.headers().getOrDefault("Content-Type", "application/json"));
        r.headers().forEach((k, v) -> {
            if (!k.equals("Content-Type")) {
                ex.getResponseHeaders().add(k, v);
            }
        });
        try {
            ex.sendResponseHeaders(r.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException closedByClient) {
            // the client gave up (time limit): nothing to answer
        }
    }

    static String completion(String text) {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":" + quote(text) + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    }

    private static String quote(String s) {
        try {
            return new ObjectMapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
