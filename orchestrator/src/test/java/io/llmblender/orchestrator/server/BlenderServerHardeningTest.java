package io.llmblender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.TestRankers;
import io.llmblender.runtime.ProcessMemory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server against slow and abusive clients (issue 13, item 4), played over raw sockets on loopback: trickled
 * headers and bodies, too many connections, malformed HTTP, clients that hang up. Timeouts are short (1 s) so each
 * test takes seconds; every wait for the server is bounded and generous, so a loaded machine only makes them
 * slower, never wrong.
 */
class BlenderServerHardeningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT = "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final Duration SHORT = Duration.ofSeconds(1);

    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ExecutorService attackers = Executors.newCachedThreadPool();
    final List<AutoCloseable> owned = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        attackers.shutdownNow();
        for (AutoCloseable c : owned) {
            c.close();
        }
    }

    /** An in-process member that answers at once. */
    static ChatModel answering(String text) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
            }
        };
    }

    BlenderServer server(ChatModel member, int maxConcurrent, int maxConnections) throws IOException {
        Blender blender = Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .guard(GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)))
                .member("a", member)
                .member("b", answering("a longer answer"))
                .build();
        owned.add(blender);
        BlenderServer s = BlenderServer.builder()
                .blender(blender)
                .ranker(TestRankers.BY_LENGTH)
                .pairScorer(new TestRankers.LongerIsBetter())
                .port(0)
                .maxConcurrent(maxConcurrent)
                .maxConnections(maxConnections)
                .maxCandidates(4)
                .headerTimeout(SHORT)
                .bodyTimeout(SHORT)
                .start();
        owned.add(0, s); // closed before its blender
        return s;
    }

    HttpResponse<String> post(BlenderServer s, String path, String type, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .header("Content-Type", type)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int health(BlenderServer s) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/health"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** A slow client: headers (or, for {@code slowBody}, a body) trickled a byte at a time until the server cuts it. */
    Future<RawHttp.Reply> slowClient(BlenderServer s, boolean slowBody) {
        return attackers.submit(() -> {
            try (RawHttp raw = new RawHttp(s.port())) {
                if (slowBody) {
                    raw.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{");
                } else {
                    raw.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                }
                // a byte every 100 ms never completes in time; stop once the server has hung up (bounded: 30 s)
                for (int i = 0; i < 300 && raw.trickle('a'); i++) {
                    Thread.sleep(100); // the attacker's pace; the assertions never depend on it
                }
                return raw.readToClose();
            }
        });
    }

    @Test
    void slow_connections_neither_starve_other_clients_nor_leak_sockets_or_memory() throws Exception {
        BlenderServer s = server(answering("hi"), 8, 64);
        assertThat(post(s, "/v1/chat/completions", "application/json", CHAT).statusCode())
                .isEqualTo(200);
        long baselineFiles = openFiles();
        List<Long> rss = new ArrayList<>();
        for (int round : new int[] {16, 32, 32, 32}) {
            // when `round` slow clients, half trickling headers and half bodies, hold connections
            List<Future<RawHttp.Reply>> slow = new ArrayList<>();
            for (int i = 0; i < round; i++) {
                slow.add(slowClient(s, i % 2 == 1));
            }
            // then a normal client's requests and /health keep answering meanwhile
            for (int i = 0; i < 5; i++) {
                assertThat(post(s, "/v1/chat/completions", "application/json", CHAT)
                                .statusCode())
                        .as("round of %d, request %d", round, i)
                        .isEqualTo(200);
                assertThat(health(s)).isEqualTo(200);
            }
            // and every slow client is cut off: a slow header by a close, a slow body by a 408 in JSON
            for (int i = 0; i < slow.size(); i++) {
                RawHttp.Reply r = slow.get(i).get(60, TimeUnit.SECONDS);
                if (i % 2 == 1) {
                    assertThat(r.status()).as("slow body %d", i).isEqualTo(408);
                    assertThat(JSON.readTree(r.body()).get("error").get("code").asText())
                            .isEqualTo("request_timeout");
                } else {
                    assertThat(r.closedWithoutAnswer()).as("slow header %d", i).isTrue();
                }
            }
            // and the sockets are all given back (the server closes idle keep-alives after the header timeout too)
            assertThat(waitUntil(() -> openFiles() <= baselineFiles + 4))
                    .as("open files back to the baseline of %d, now %d", baselineFiles, openFiles())
                    .isTrue();
            System.gc();
            rss.add(ProcessMemory.residentBytes());
        }
        // resident memory does not grow with repeated rounds of the same attack (64 MiB for JIT and heap noise)
        assertThat(rss.get(rss.size() - 1) - rss.get(1)).isLessThan(64L << 20);
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls a condition the server brings about in its own time; gives up after 30 s. */
    static boolean waitUntil(Check check) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(100); // waiting for the server's timers, which the test cannot fire
        }
        return check.holds();
    }

    @Test
    void a_connection_over_the_limit_gets_a_503_in_json_and_far_over_it_is_closed_at_once() throws Exception {
        BlenderServer s = server(answering("hi"), 8, 2);
        List<RawHttp> idle = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawHttp raw = new RawHttp(s.port());
            raw.send("G"); // a request begun, never finished: holds its connection until the header timeout
            idle.add(raw);
        }
        assertThat(waitUntil(() -> s.openConnections() == 2)).isTrue();
        try (RawHttp third = new RawHttp(s.port());
                RawHttp fourth = new RawHttp(s.port())) {
            assertThat(waitUntil(() -> s.openConnections() == 4)).isTrue();
            third.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Reply over = third.readToClose();
            assertThat(over.status()).isEqualTo(503);
            assertThat(over.text()).containsIgnoringCase("Connection: close");
            assertThat(JSON.readTree(over.body()).get("error").get("code").asText())
                    .isEqualTo("too_many_connections");
            try (RawHttp fifth = new RawHttp(s.port())) {
                // past twice the limit (4 open, limit 2): closed before it can ask anything
                assertThat(fifth.readToClose().closedWithoutAnswer()).isTrue();
            }
            fourth.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(fourth.readToClose().status()).isEqualTo(503);
        }
        for (RawHttp raw : idle) {
            assertThat(raw.readToClose().closedWithoutAnswer()).isTrue(); // the header timeout ended them
            raw.close();
        }
        assertThat(waitUntil(() -> s.openConnections() == 0)).isTrue();
        assertThat(health(s)).isEqualTo(200);
    }

    @Test
    void malformed_http_and_out_of_range_fields_get_json_errors_that_name_no_class() throws Exception {
        BlenderServer s = server(answering("hi"), 8, 64);
        String[][] raw = {
            {"GARBAGE\r\n\r\n", "400"},
            {"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431"},
        };
        for (String[] c : raw) {
            try (RawHttp client = new RawHttp(s.port())) {
                client.send(c[0]);
                RawHttp.Reply r = client.readToClose();
                assertThat(r.status()).as(c[0].substring(0, 10)).isEqualTo(Integer.parseInt(c[1]));
                assertThat(r.text()).containsIgnoringCase("Content-Type: application/json");
                assertError(JSON.readTree(r.body()));
            }
        }
        String[][] cases = {
            {"/v1/chat/completions", "application/jsonx", CHAT, "415", "application/json"},
            {"/v1/chat/completions", "application/json; charset=utf-8", CHAT, "200", null},
            {
                "/v1/chat/completions",
                "application/json",
                withField(",\"max_tokens\":4294967297}"),
                "400",
                "'max_tokens' is 4294967297; it must be an integer from 1 to 2147483647"
            },
            {"/v1/chat/completions", "application/json", withField(",\"max_tokens\":1e400}"), "400", "'max_tokens'"},
            {
                "/v1/chat/completions",
                "application/json",
                withField(",\"temperature\":\"hot\"}"),
                "400",
                "'temperature' is \"hot\"; it must be a number from 0.0 to 2.0"
            },
            {
                "/v1/chat/completions",
                "application/json",
                withField(",\"stream\":\"yes\"}"),
                "400",
                "'stream' is \"yes\"; it must be true or false"
            },
            {
                "/v1/chat/completions",
                "application/json",
                "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":\"  \"}]}",
                "400",
                "no user message with text"
            },
            {
                "/v1/rank",
                "application/json",
                "{\"input\":\"q\",\"candidates\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
                "400",
                "this server ranks at most 4 per request"
            },
            {
                "/v1/rank",
                "application/json",
                "{\"input\":\"q\",\"candidates\":[\"a\",\" \"]}",
                "400",
                "'candidates[1]' is blank"
            },
            {
                "/v1/rank",
                "application/json",
                "{\"input\":\"q\",\"candidates\":[\"a\",null]}",
                "400",
                "'candidates[1]' must be a string"
            },
            {
                "/v1/compare",
                "application/json",
                "{\"input\":\"q\",\"a\":\"x\",\"b\":\"y\",\"mode\":\"[X]\"}",
                "400",
                "'mode' is '[X]'; use [A,B], [B,A] or [A,B]+[B,A]"
            },
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post(s, c[0], c[1], c[2]);
            assertThat(r.statusCode()).as("%s %s", c[0], c[2]).isEqualTo(Integer.parseInt(c[3]));
            if (c[4] != null) {
                JsonNode error = JSON.readTree(r.body()).get("error");
                assertError(JSON.readTree(r.body()));
                assertThat(error.get("message").asText()).contains(c[4]);
            }
        }
    }

    /** The chat request with one more top-level field. */
    static String withField(String field) {
        return CHAT.substring(0, CHAT.length() - 1) + field;
    }

    static void assertError(JsonNode body) {
        JsonNode error = body.get("error");
        assertThat(error.get("type").asText()).isNotBlank();
        assertThat(error.get("message").asText())
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]"); // no qualified class name
    }

    @Test
    void the_body_is_read_before_a_slot_is_taken() throws Exception {
        // given a server with one slot and a client trickling its body
        BlenderServer s = server(answering("hi"), 1, 64);
        Future<RawHttp.Reply> slow = slowClient(s, true);
        // when a normal request comes meanwhile, it gets the slot (no 429), and the slow one gets its 408
        assertThat(post(s, "/v1/chat/completions", "application/json", CHAT).statusCode())
                .isEqualTo(200);
        assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(408);
    }

    /** A member that holds its first call until it is interrupted, then answers every later call at once. */
    static final class HoldsFirstCall implements ChatModel {
        final CountDownLatch started = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public ChatResponse doChat(ChatRequest request) {
            if (first.getAndSet(false)) {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw new IllegalStateException("cancelled");
                }
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("hi")).build();
        }
    }

    @Test
    void a_client_that_hangs_up_cancels_its_work_and_frees_its_slot() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HoldsFirstCall member = new HoldsFirstCall();
            BlenderServer s = server(member, 1, 64);
            String body = stream ? withField(",\"stream\":true}") : CHAT;
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                assertThat(member.started.await(30, TimeUnit.SECONDS)).isTrue();
            } // the client hangs up while the ensemble waits for the member
            assertThat(member.interrupted.get(30, TimeUnit.SECONDS))
                    .as("stream %s: the member's call was cancelled", stream)
                    .isTrue();
            // the one slot is free again: the next request is served, not refused with 429
            assertThat(waitUntil(() -> post(s, "/v1/chat/completions", "application/json", CHAT)
                                    .statusCode()
                            == 200))
                    .isTrue();
        }
    }

    @Test
    void when_no_member_answers_the_502_names_the_members_not_their_exceptions() throws Exception {
        ChatModel leaky = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                throw new IllegalStateException("java.net.ConnectException: secret-host.internal refused");
            }
        };
        Blender blender = Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .guard(GuardConfig.defaults().withRetries(1, Duration.ofMillis(1)))
                .member("a", leaky)
                .build();
        owned.add(blender);
        BlenderServer s = BlenderServer.builder().blender(blender).port(0).start();
        owned.add(0, s);
        HttpResponse<String> r = post(s, "/v1/chat/completions", "application/json", CHAT);
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("message").asText()).contains("a failed").doesNotContain("secret-host");
        assertError(JSON.readTree(r.body()));
    }
}
