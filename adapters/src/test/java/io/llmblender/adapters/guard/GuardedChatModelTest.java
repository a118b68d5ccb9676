package io.llmblender.adapters.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmblender.adapters.MemberSpec;
import io.llmblender.adapters.Members;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    static ChatRequest hi() {
        return ChatRequest.builder().messages(UserMessage.from("hi")).build();
    }

    @Test
    void the_breaker_counts_the_members_faults_and_ignores_faults_of_the_requests_content() {
        // the member's fault: its key, model or endpoint is wrong, it is overloaded or broken
        for (int status : new int[] {401, 403, 404, 429, 500, 503}) {
            int failed = failedCallsAfterOneCall(status);
            assertThat(failed).as("HTTP %d", status).isEqualTo(1);
        }
        // the request's fault: a prompt too long, a parameter out of range, content refused
        for (int status : new int[] {400, 413, 422}) {
            int failed = failedCallsAfterOneCall(status);
            assertThat(failed).as("HTTP %d", status).isZero();
        }
    }

    int failedCallsAfterOneCall(int status) {
        calls.set(0);
        statuses = new int[] {status};
        GuardedChatModel m = member(GuardConfig.defaults().withRetries(1, Duration.ofMillis(5)), List.of());
        assertThatThrownBy(() -> m.call(hi())).isInstanceOf(GuardedChatModel.GuardedException.class);
        return m.circuitBreaker().getMetrics().getNumberOfFailedCalls();
    }

    @Test
    void a_client_sending_bad_prompts_cannot_open_a_healthy_members_breaker() {
        // given a breaker that opens at 50% of 2 calls, and a member refusing every prompt with 400
        GuardConfig touchy =
                GuardConfig.defaults().withRetries(1, Duration.ofMillis(5)).withBreaker(50f, 2, Duration.ofMinutes(5));
        statuses = new int[] {400, 400, 400, 400, 400, 200};
        GuardedChatModel m = member(touchy, List.of());
        // when five bad prompts come
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> m.call(hi())).isInstanceOf(GuardedChatModel.GuardedException.class);
        }
        // then the breaker is still closed and the next good prompt is answered
        assertThat(m.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(m.call(hi()).response().aiMessage().text()).isEqualTo("ok");
        // while two server errors do open it (so the assertion above could fail)
        calls.set(0);
        statuses = new int[] {500};
        GuardedChatModel down = member(touchy, List.of());
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> down.call(hi())).isInstanceOf(GuardedChatModel.GuardedException.class);
        }
        assertThat(down.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void an_abandoned_call_is_cancelled_on_the_wire_its_permit_returned_and_nothing_counted() throws Exception {
        // given a member whose server reads the request and then waits for the client to hang up
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch hungUp = new CountDownLatch(1);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[8192];
                    while (in.read(buffer) > 0) {
                        received.countDown(); // the request (or part of it) arrived; no answer is ever sent
                    }
                    hungUp.countDown(); // end of stream: the client closed the connection
                } catch (IOException e) {
                    hungUp.countDown(); // a reset is a hang-up too
                }
            });
            server.setDaemon(true);
            server.start();
            GuardConfig guard = GuardConfig.defaults().withRetries(3, Duration.ofMillis(5));
            GuardedChatModel m = new GuardedChatModel(
                    "silent",
                    Members.build(
                            MemberSpec.builder()
                                    .name("silent")
                                    .provider("openai-compatible")
                                    .model("m")
                                    .baseUrl("http://127.0.0.1:" + silent.getLocalPort() + "/v1")
                                    .guard(guard)
                                    .build(),
                            Map.of(),
                            Path.of("e.json")),
                    guard,
                    pool);
            CountDownLatch permitBack = new CountDownLatch(1);
            m.bulkhead().getEventPublisher().onCallFinished(e -> permitBack.countDown());
            List<Throwable> thrown = new ArrayList<>();
            Thread caller = new Thread(() -> {
                try {
                    m.call(hi());
                } catch (RuntimeException e) {
                    thrown.add(e);
                }
            });
            caller.start();
            assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
            // when the ensemble stops waiting for it (the quorum was met, the deadline passed)
            caller.interrupt();
            caller.join(30_000);
            // then the caller is told it was a cancellation, the HTTP exchange is closed, the permit is back
            assertThat(thrown)
                    .singleElement()
                    .isInstanceOfSatisfying(
                            GuardedChatModel.GuardedException.class,
                            e -> assertThat(e.getCause()).isInstanceOf(CancellationException.class));
            assertThat(hungUp.await(30, TimeUnit.SECONDS))
                    .as("the client hung up")
                    .isTrue();
            assertThat(permitBack.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(m.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(guard.maxConcurrentCalls());
            // and neither a retry nor a failure was counted against the member
            assertThat(m.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
            assertThat(m.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(m.retry().getMetrics().getNumberOfTotalCalls()).isEqualTo(1);
        }
    }
}
