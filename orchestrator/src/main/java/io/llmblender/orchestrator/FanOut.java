package io.llmblender.orchestrator;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.llmblender.adapters.guard.GuardedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out stage: asks every member at once and waits until all have finished, a quorum of them answered, or
 * the deadline passed; members still running then are cancelled (their threads interrupted) and recorded as
 * {@link MemberOutcome.Abandoned}. Thread-safe; the caller owns the executor.
 */
final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    private final Map<String, GuardedChatModel> members;
    private final int needed;
    private final Duration deadline;
    private final ExecutorService executor;

    /** @param needed answers that end the wait early (the quorum); the member count to wait for all */
    FanOut(Map<String, GuardedChatModel> members, int needed, Duration deadline, ExecutorService executor) {
        this.members = members;
        this.needed = Math.min(needed, members.size());
        this.deadline = deadline;
        this.executor = executor;
    }

    /** Every member's outcome, in member order. */
    List<MemberOutcome> collect(ChatRequest request, long startNanos) {
        ExecutorCompletionService<MemberOutcome> done = new ExecutorCompletionService<>(executor);
        Map<Future<MemberOutcome>, String> futures = new LinkedHashMap<>();
        for (Map.Entry<String, GuardedChatModel> m : members.entrySet()) {
            futures.put(done.submit(() -> ask(m.getKey(), m.getValue(), request)), m.getKey());
        }
        Map<String, MemberOutcome> byName = new HashMap<>();
        int answered = 0;
        long deadlineNanos = startNanos + deadline.toNanos();
        try {
            while (byName.size() < members.size() && answered < needed) {
                long left = deadlineNanos - System.nanoTime();
                Future<MemberOutcome> f = left > 0 ? done.poll(left, TimeUnit.NANOSECONDS) : null;
                if (f == null) {
                    break; // deadline
                }
                MemberOutcome o = outcome(f, futures.get(f), startNanos);
                byName.put(o.member(), o);
                answered += o instanceof MemberOutcome.Answered ? 1 : 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String why = answered >= needed && needed < members.size()
                ? "quorum of " + needed + " answers met"
                : "deadline of " + deadline + " passed";
        List<MemberOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<Future<MemberOutcome>, String> f : futures.entrySet()) {
            MemberOutcome o = byName.get(f.getValue());
            if (o == null) {
                f.getKey().cancel(true); // interrupts the member's call
                o = new MemberOutcome.Abandoned(f.getValue(), why, since(startNanos), 0);
            }
            outcomes.add(o);
        }
        return outcomes;
    }

    private static MemberOutcome outcome(Future<MemberOutcome> f, String member, long start) {
        try {
            return f.get();
        } catch (ExecutionException | CancellationException e) {
            return new MemberOutcome.Failed(
                    member, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), since(start), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new MemberOutcome.Abandoned(member, "interrupted", since(start), 0);
        }
    }

    private static MemberOutcome ask(String name, GuardedChatModel member, ChatRequest request) {
        long t0 = System.nanoTime();
        try {
            GuardedChatModel.Attempted a = member.call(request);
            ChatResponse r = a.response();
            TokenUsage u = r.tokenUsage();
            return new MemberOutcome.Answered(
                    name,
                    r.aiMessage().text(),
                    since(t0),
                    a.attempts(),
                    u == null || u.inputTokenCount() == null ? -1 : u.inputTokenCount(),
                    u == null || u.outputTokenCount() == null ? -1 : u.outputTokenCount());
        } catch (GuardedChatModel.GuardedException e) {
            Throwable cause = e.getCause();
            LOG.warn("member {} failed after {} attempt(s): {}", name, e.attempts(), cause.toString());
            return new MemberOutcome.Failed(
                    name,
                    cause.getClass().getSimpleName(),
                    String.valueOf(cause.getMessage()),
                    since(t0),
                    e.attempts());
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
