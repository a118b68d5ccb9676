package io.llmblender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.adapters.guard.GuardedChatModel;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.orchestrator.OpenAiLoopback.Reply;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ensemble against real OpenAI-protocol members on loopback, including every fault the issue lists: each
 * time the other members' answers arrive and the trace records the failure.
 */
class BlenderTest {
    static final Ranker BY_LENGTH = TestRankers.BY_LENGTH;

    /**
     * Members that answer get a time limit no loaded machine reaches; only members that never answer get a short
     * one, so every outcome is decided by the script, not by the machine's speed.
     */
    static final GuardConfig FAST =
            GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)).withRetries(3, Duration.ofMillis(10));

    static final GuardConfig IMPATIENT =
            FAST.withTimeout(Duration.ofMillis(300)).withRetries(1, Duration.ofMillis(10));

    OpenAiLoopback providers;

    @BeforeEach
    void start() throws Exception {
        providers = new OpenAiLoopback();
    }

    @AfterEach
    void stop() {
        providers.close();
    }

    BlenderBuilder ensemble(String... members) {
        BlenderBuilder b = Blender.builder().ranker(BY_LENGTH).guard(FAST);
        for (String m : members) {
            b.member(m, providers.model(m));
        }
        return b;
    }

    @Test
    void every_answer_is_ranked_and_the_best_returned_with_a_full_trace() {
        providers.script("short", Reply.answer("Paris."));
        providers.script("long", Reply.answer("The capital of France is Paris."));
        try (Blender blender = ensemble("short", "long").build()) {
            BlendResult r = blender.blend("What is the capital of France?");
            assertThat(r.answer()).isEqualTo("The capital of France is Paris.");
            Trace t = r.trace();
            assertThat(t.chosen()).contains("long");
            assertThat(t.answers()).extracting(MemberOutcome.Answered::member).containsExactly("short", "long");
            // in member order, as the members were added (a Map.copyOf would scramble it)
            assertThat(t.ranks()).containsExactly(Map.entry("short", 2), Map.entry("long", 1));
            assertThat(t.scores()).containsExactly(Map.entry("short", 6f), Map.entry("long", 31f));
            // two members, each 10 prompt and 5 completion tokens (OpenAiLoopback.completion)
            assertThat(t.tokenUsage().inputTokenCount()).isEqualTo(20);
            assertThat(t.tokenUsage().outputTokenCount()).isEqualTo(10);
            assertThat(t.tokenUsage().totalTokenCount()).isEqualTo(30);
            assertThat(t.stages().keySet()).containsExactly("members", "rank");
            assertThat(t.degraded()).isFalse();
        }
    }

    @Test
    void faults_of_some_members_never_lose_the_others_answers() {
        providers.script("ok", Reply.answer("a fine answer"));
        providers.script("flaky", Reply.status(500), Reply.status(500), Reply.answer("third time lucky"));
        providers.script("unauthorised", Reply.status(401));
        providers.script(
                "limited",
                new Reply(429, "{\"error\":{\"message\":\"slow down\"}}", false, Map.of("Retry-After", "0")),
                Reply.answer("after the rate limit"));
        providers.script("garbled", new Reply(200, "{not json", false, Map.of()));
        providers.script("hanging", Reply.hang());
        BlenderBuilder b = ensemble("ok", "flaky", "unauthorised", "limited", "garbled");
        b.member("hanging", providers.model("hanging"), IMPATIENT);
        b.member("refused", OpenAiLoopback.model("refused", "http://127.0.0.1:1/v1"), IMPATIENT);
        try (Blender blender = b.build()) {
            Trace t = blender.blend("question?").trace();
            Map<String, MemberOutcome> by = new java.util.HashMap<>();
            t.outcomes().forEach(o -> by.put(o.member(), o));
            assertThat(by.get("ok")).isInstanceOf(MemberOutcome.Answered.class);
            assertThat(by.get("flaky"))
                    .isInstanceOfSatisfying(
                            MemberOutcome.Answered.class,
                            a -> assertThat(a.attempts()).isEqualTo(3));
            assertThat(providers.calls("flaky")).isEqualTo(3);
            assertThat(by.get("unauthorised")).isInstanceOfSatisfying(MemberOutcome.Failed.class, f -> {
                assertThat(f.errorType()).isEqualTo("AuthenticationException");
                assertThat(f.attempts()).isEqualTo(1); // never retried
            });
            assertThat(by.get("limited"))
                    .isInstanceOfSatisfying(
                            MemberOutcome.Answered.class,
                            a -> assertThat(a.attempts()).isEqualTo(2));
            assertThat(by.get("garbled")).isInstanceOf(MemberOutcome.Failed.class);
            assertThat(by.get("hanging"))
                    .isInstanceOfSatisfying(
                            MemberOutcome.Failed.class,
                            f -> assertThat(f.errorType()).isEqualTo("TimeoutException"));
            assertThat(by.get("refused")).isInstanceOf(MemberOutcome.Failed.class);
            assertThat(t.answers())
                    .extracting(MemberOutcome.Answered::member)
                    .containsExactly("ok", "flaky", "limited");
        }
    }

    @Test
    void the_circuit_breaker_opens_after_repeated_failures_and_rejects_without_calling() {
        providers.script("down", Reply.status(500));
        providers.script("up", Reply.answer("still here"));
        GuardConfig breaker = FAST.withRetries(1, Duration.ofMillis(10)).withBreaker(50f, 2, Duration.ofMinutes(5));
        BlenderBuilder b = ensemble("up");
        b.member("down", providers.model("down"), breaker);
        try (Blender blender = b.build()) {
            blender.blend("q1");
            blender.blend("q2");
            assertThat(blender.members().get("down").circuitBreaker().getState().name())
                    .isEqualTo("OPEN");
            Trace third = blender.blend("q3").trace();
            assertThat(providers.calls("down")).isEqualTo(2); // the open breaker did not call
            assertThat(third.outcomes().stream()
                            .filter(o -> o.member().equals("down"))
                            .findFirst()
                            .orElseThrow())
                    .isInstanceOfSatisfying(
                            MemberOutcome.Failed.class,
                            f -> assertThat(f.errorType()).isEqualTo("CallNotPermittedException"));
            assertThat(third.answers()).hasSize(1);
            // half-open: the breaker lets one trial call through (moved there explicitly; no test sleeps)
            blender.members().get("down").circuitBreaker().transitionToHalfOpenState();
            blender.blend("q4");
            assertThat(providers.calls("down")).isEqualTo(3);
        }
    }

    @Test
    void first_k_then_rank_stops_waiting_once_the_quorum_answered_and_the_abandoned_member_is_not_blamed()
            throws Exception {
        providers.script("fast1", Reply.answer("one"));
        providers.script("fast2", Reply.answer("two!"));
        providers.script("slow", Reply.hang());
        GuardConfig touchy = FAST.withRetries(3, Duration.ofMillis(10)).withBreaker(50f, 1, Duration.ofMinutes(5));
        try (Blender blender = ensemble("fast1", "fast2")
                .member("slow", providers.model("slow"), touchy)
                .policy(BlendPolicy.FIRST_K_THEN_RANK)
                .quorum(2)
                .build()) {
            GuardedChatModel slow = blender.members().get("slow");
            CountDownLatch permitBack = new CountDownLatch(1);
            slow.bulkhead().getEventPublisher().onCallFinished(e -> permitBack.countDown());
            Trace t = blender.blend("q").trace();
            assertThat(t.answers()).hasSize(2);
            assertThat(t.outcomes().get(2))
                    .isInstanceOfSatisfying(
                            MemberOutcome.Abandoned.class,
                            a -> assertThat(a.reason()).contains("quorum of 2"));
            // the abandoned call is cancelled and gives its permit back; its breaker (open at 1 failure) stays
            // closed, and it is not retried
            assertThat(permitBack.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(slow.bulkhead().getMetrics().getAvailableConcurrentCalls())
                    .isEqualTo(touchy.maxConcurrentCalls());
            assertThat(slow.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                    .isZero();
            assertThat(slow.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            // at most the one call: on a loaded machine the quorum can be met before it even reached the server
            assertThat(providers.calls("slow")).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void a_deadline_that_passes_abandons_every_member_still_running_without_blaming_it() {
        providers.script("slow", Reply.hang());
        Duration deadline = Duration.ofSeconds(11);
        try (Blender blender = ensemble("slow")
                .deadline(deadline)
                .scheduler(new ManualScheduler().passedAtOnce(deadline))
                .build()) {
            assertThatThrownBy(() -> blender.blend("q"))
                    .isInstanceOfSatisfying(
                            EnsembleException.class,
                            e -> assertThat(e.trace().outcomes())
                                    .singleElement()
                                    .isInstanceOfSatisfying(
                                            MemberOutcome.Abandoned.class,
                                            a -> assertThat(a.reason()).isEqualTo("deadline of PT11S passed")));
            assertThat(blender.members()
                            .get("slow")
                            .circuitBreaker()
                            .getMetrics()
                            .getNumberOfFailedCalls())
                    .isZero();
        }
    }

    @Test
    void a_request_without_user_text_is_refused_before_any_member_is_called() {
        providers.script("a", Reply.answer("an answer to nothing"));
        try (Blender blender = ensemble("a").build()) {
            ChatRequest noQuestion = ChatRequest.builder()
                    .messages(SystemMessage.from("Be brief."), UserMessage.from("   "))
                    .build();
            assertThatThrownBy(() -> blender.blend(noQuestion))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no user message with text");
            assertThat(providers.calls("a")).isZero();
        }
    }

    @Test
    void an_interrupted_caller_cancels_the_members_still_running() throws Exception {
        providers.script("slow", Reply.hang());
        try (Blender blender = ensemble("slow").build()) {
            GuardedChatModel slow = blender.members().get("slow");
            CountDownLatch permitBack = new CountDownLatch(1);
            slow.bulkhead().getEventPublisher().onCallFinished(e -> permitBack.countDown());
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    blender.blend("q");
                    thrown.complete(null);
                } catch (RuntimeException e) {
                    thrown.complete(e);
                }
            });
            caller.start();
            assertThat(providers.awaitRequests("slow", 1)).isTrue();
            // when the caller (e.g. the server, for a client that went away) interrupts the call
            caller.interrupt();
            // then the call ends with a cancellation, and the member's call is cancelled without blame
            assertThat(thrown.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(permitBack.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(slow.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                    .isZero();
        }
    }

    @Test
    void ranking_past_its_budget_returns_the_first_answer_and_stops_the_ranker() throws Exception {
        providers.script("a", Reply.answer("first"));
        providers.script("b", Reply.answer("second, longer"));
        CountDownLatch ranking = new CountDownLatch(1);
        CompletableFuture<Boolean> rankerInterrupted = new CompletableFuture<>();
        Ranker stuck = item -> {
            ranking.countDown();
            try {
                new CountDownLatch(1).await(); // a ranker that would never finish
                throw new IllegalStateException("unreachable");
            } catch (InterruptedException e) {
                rankerInterrupted.complete(true);
                throw new IllegalStateException("interrupted");
            }
        };
        Duration budget = Duration.ofSeconds(7);
        ManualScheduler clock = new ManualScheduler();
        try (Blender blender = ensemble("a", "b")
                .ranker(stuck)
                .rankBudget(budget)
                .scheduler(clock)
                .build()) {
            CompletableFuture<BlendResult> result = CompletableFuture.supplyAsync(() -> blender.blend("q"));
            assertThat(ranking.await(30, TimeUnit.SECONDS)).isTrue();
            // when the ranking budget is spent
            assertThat(clock.fire(budget)).isEqualTo(1);
            // then the first answer in member order comes back, with a note, and the ranker was told to stop
            BlendResult r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.answer()).isEqualTo("first");
            assertThat(r.trace().notes())
                    .containsExactly("ranking did not finish within its budget of PT7S; returned the first answer in"
                            + " member order");
            assertThat(r.trace().ranks()).isEmpty();
            assertThat(rankerInterrupted.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void a_streamed_fusion_past_its_budget_fails_the_call_after_what_was_streamed_and_sends_no_fallback()
            throws Exception {
        providers.script("a", Reply.answer("aa"));
        providers.script("b", Reply.answer("bbbb"));
        CountDownLatch streamed = new CountDownLatch(1);
        Fuser halting = new Fuser() {
            @Override
            public FusionResult fuse(FusionRequest request) {
                throw new UnsupportedOperationException("this test streams");
            }

            @Override
            public FusionResult fuse(FusionRequest request, Consumer<String> tokens) {
                tokens.accept("par");
                tokens.accept("tial");
                streamed.countDown();
                try {
                    new CountDownLatch(1).await(); // a fusion that would never finish
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tokens.accept(" never sent"); // refused: the stage is over
                return new FusionResult("partial never sent", 3, Duration.ZERO, "test");
            }
        };
        Duration budget = Duration.ofSeconds(13);
        ManualScheduler clock = new ManualScheduler();
        try (Blender blender = ensemble("a", "b")
                .fuser(halting)
                .fuseBudget(budget)
                .scheduler(clock)
                .build()) {
            List<String> pieces = new CopyOnWriteArrayList<>();
            ChatRequest q =
                    ChatRequest.builder().messages(UserMessage.from("q")).build();
            CompletableFuture<BlendResult> result = CompletableFuture.supplyAsync(() -> blender.blend(q, pieces::add));
            assertThat(streamed.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(clock.fire(budget)).isEqualTo(1);
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(StreamFailedException.class, e -> {
                        assertThat(e.streamed()).isEqualTo("partial");
                        assertThat(e.trace().fusedFrom()).containsExactly("b", "a");
                        assertThat(e.trace().notes())
                                .containsExactly(
                                        "fusion did not finish within its budget of PT13S after part of it was streamed");
                    });
            // nothing after the budget, and no fallback answer ("bbbb") after the partial fusion, reached the client
            assertThat(pieces).containsExactly("par", "tial");
        }
    }

    @Test
    void rank_and_fuse_fuses_the_top_k_and_degrades_to_the_best_answer_when_fusion_fails() {
        providers.script("a", Reply.answer("aa"));
        providers.script("b", Reply.answer("bbbb"));
        providers.script("c", Reply.answer("c"));
        try (Blender blender = ensemble("a", "b", "c")
                .topK(2)
                .fuser(req -> new FusionResult(String.join("|", req.candidates()), 1, Duration.ZERO, "join"))
                .build()) {
            BlendResult r = blender.blend("q");
            assertThat(r.answer()).isEqualTo("bbbb|aa");
            assertThat(r.trace().fusedFrom()).containsExactly("b", "a");
            assertThat(r.trace().chosen()).isEmpty();
        }
        try (Blender blender = ensemble("a", "b", "c")
                .fuser(req -> {
                    throw new IllegalStateException("fuser out of memory");
                })
                .build()) {
            BlendResult r = blender.blend("q");
            assertThat(r.answer()).isEqualTo("bbbb");
            assertThat(r.trace().degraded()).isTrue();
            assertThat(r.trace().notes().get(0)).contains("fusion failed").contains("fuser out of memory");
            assertThat(r.trace().answers()).hasSize(3);
        }
    }

    @Test
    void a_failing_ranker_degrades_to_the_first_answer_and_keeps_every_answer() {
        providers.script("a", Reply.answer("first"));
        providers.script("b", Reply.answer("second, longer"));
        Ranker broken = item -> {
            throw new IllegalArgumentException("ranker exploded");
        };
        try (Blender blender = Blender.builder()
                .ranker(broken)
                .guard(FAST)
                .member("a", providers.model("a"))
                .member("b", providers.model("b"))
                .build()) {
            BlendResult r = blender.blend("q");
            assertThat(r.answer()).isEqualTo("first");
            assertThat(r.trace().notes()).singleElement().asString().contains("ranking failed");
            assertThat(r.trace().answers()).hasSize(2);
        }
    }

    @Test
    void a_selector_picks_the_best_answer_in_two_rows_per_duel() {
        // given four members and a scorer that prefers the longer answer (a consistent preference)
        List<String> texts = List.of("get out!", "hi! I am fine, thanks!", "bye!", "hello there");
        for (int i = 0; i < texts.size(); i++) {
            providers.script("m" + i, Reply.answer(texts.get(i)));
        }
        TestRankers.LongerIsBetter scorer = new TestRankers.LongerIsBetter();
        for (Strategy strategy : List.of(Strategy.BUBBLE, Strategy.KNOCKOUT)) {
            scorer.rows.set(0);
            try (Blender blender = Blender.builder()
                    .selector(strategy.selector(null, scorer, 5L))
                    .guard(FAST)
                    .member("m0", providers.model("m0"))
                    .member("m1", providers.model("m1"))
                    .member("m2", providers.model("m2"))
                    .member("m3", providers.model("m3"))
                    .build()) {
                // when
                BlendResult r = blender.blend("hello, how are you!");
                // then the longest answer (m1) wins, with 2·(n−1) pair rows, and only the winner is ranked
                assertThat(r.answer()).as(strategy.name()).isEqualTo("hi! I am fine, thanks!");
                assertThat(r.trace().chosen()).contains("m1");
                assertThat(r.trace().ranks()).containsExactly(Map.entry("m1", 1));
                assertThat(scorer.rows.get()).isEqualTo(2 * (4 - 1));
            }
        }
        assertThatThrownBy(() -> Blender.builder()
                        .selector(Strategy.BUBBLE.selector(null, scorer, 1L))
                        .fuser(request -> new io.llmblender.fuser.FusionResult("x", 1, Duration.ZERO, "test"))
                        .member("x", providers.model("m0"))
                        .build())
                .hasMessageContaining("rank-and-fuse of top 3 needs the full or top-k strategy");
    }

    @Test
    void when_no_member_answers_the_error_carries_the_trace() {
        providers.script("x", Reply.status(401));
        try (Blender blender = ensemble("x").build()) {
            assertThatThrownBy(() -> blender.blend("q"))
                    .isInstanceOfSatisfying(
                            EnsembleException.class,
                            e -> assertThat(e.trace().outcomes()).hasSize(1))
                    .hasMessageContaining("no member answered");
        }
    }

    @Test
    void building_without_a_ranker_or_members_names_every_problem() {
        assertThatThrownBy(() ->
                        Blender.builder().policy(BlendPolicy.RANK_AND_FUSE).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no members")
                .hasMessageContaining("no ranker")
                .hasMessageContaining("needs a fuser");
    }

    static List<String> names(List<MemberOutcome> outcomes) {
        return outcomes.stream().map(MemberOutcome::member).toList();
    }
}
