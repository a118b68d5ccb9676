package io.llmblender.adapters.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.adapters.MemberSpec;
import io.llmblender.adapters.Members;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A configured member behind its guard, against a loopback OpenAI-protocol server. */
class GuardedChatModelTest {
    HttpServer server;
    final AtomicInteger calls = new AtomicInteger();
    volatile int[] statuses = {200};
    volatile String retryAfter;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            int n = calls.getAndIncrement();
            int status = statuses[Math.min(n, statuses.length - 1)];
            String body = status == 200
                    ? "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"
                    : "{\"error\":{\"message\":\"status " + status + "\"}}";
            if (status == 429 && retryAfter != null) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        pool.shutdownNow();
    }

    GuardedChatModel member(GuardConfig guard, List<ChatModelListener> listeners) {
        MemberSpec spec = MemberSpec.builder()
                .name("m")
                .provider("openai-compatible")
                .model("m")
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .guard(guard)
                .build();
        ChatModel model = Members.build(spec, Map.of(), Path.of("e.json"));
        ChatModel observed = listeners.isEmpty()
                ? model
                : new ChatModel() {
                    @Override
                    public dev.langchain4j.model.chat.response.ChatResponse doChat(ChatRequest r) {
                        return model.chat(r);
                    }

                    @Override
                    public List<ChatModelListener> listeners() {
                        return listeners;
                    }
                };
        return new GuardedChatModel("m", observed, guard, pool);
    }

    @Test
    void a_429_waits_as_long_as_retry_after_says_then_succeeds() {
        statuses = new int[] {429, 200};
        retryAfter = "1";
        GuardedChatModel m = member(GuardConfig.defaults().withRetries(3, Duration.ofMillis(5)), List.of());
        List<Duration> waits = new ArrayList<>();
        m.retry().getEventPublisher().onRetry(e -> waits.add(e.getWaitInterval()));
        GuardedChatModel.Attempted a =
                m.call(ChatRequest.builder().messages(UserMessage.from("hi")).build());
        assertThat(a.attempts()).isEqualTo(2);
        assertThat(a.response().aiMessage().text()).isEqualTo("ok");
        assertThat(waits).containsExactly(Duration.ofSeconds(1)); // the server's 1 s, not the 5 ms backoff
    }

    @Test
    void a_401_is_not_retried_and_a_500_is_with_backoff() {
        statuses = new int[] {401};
        GuardedChatModel m = member(GuardConfig.defaults().withRetries(3, Duration.ofMillis(5)), List.of());
        assertThatThrownBy(() -> m.call(
                        ChatRequest.builder().messages(UserMessage.from("hi")).build()))
                .isInstanceOfSatisfying(
                        GuardedChatModel.GuardedException.class,
                        e -> assertThat(e.attempts()).isEqualTo(1))
                .hasCauseInstanceOf(dev.langchain4j.exception.AuthenticationException.class);
        calls.set(0);
        statuses = new int[] {500, 200};
        List<Duration> waits = new ArrayList<>();
        m.retry().getEventPublisher().onRetry(e -> waits.add(e.getWaitInterval()));
        assertThat(m.call(ChatRequest.builder().messages(UserMessage.from("hi")).build())
                        .attempts())
                .isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofMillis(5));
    }

    @Test
    void the_members_langchain4j_listeners_see_every_attempt() {
        statuses = new int[] {500, 200};
        List<String> events = new ArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext ctx) {
                events.add("request");
            }

            @Override
            public void onError(dev.langchain4j.model.chat.listener.ChatModelErrorContext ctx) {
                events.add("error");
            }

            @Override
            public void onResponse(dev.langchain4j.model.chat.listener.ChatModelResponseContext ctx) {
                events.add("response");
            }
        };
        GuardedChatModel m = member(GuardConfig.defaults().withRetries(3, Duration.ofMillis(5)), List.of(listener));
        m.call(ChatRequest.builder().messages(UserMessage.from("hi")).build());
        assertThat(events).containsExactly("request", "error", "request", "response");
    }
}
