package io.llmblender.orchestrator;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.adapters.guard.GuardedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out stage: asks every member at once and waits until all have finished, a quorum of them answered, the
 * deadline passed, or the caller was interrupted. Members still running then are cancelled (their calls are
 * interrupted, which ends the HTTP exchange and frees the bulkhead permit) and recorded as
 * {@link MemberOutcome.Abandoned}; a cancellation is never counted against a member's circuit breaker.
 * Owns the members' guards and threads; thread-safe.
 */
final class FanOut implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
    /** Put on the queue when the deadline passes; outcomes that arrived before it are still taken. */
    private static final Object DEADLINE = new Object();

    private final Map<String, GuardedChatModel> members;
    private final int needed;
    private final Duration deadline;
    private final Scheduler scheduler;
    private final ExecutorService executor = Executors.newCachedThreadPool(daemon("blender-member"));
    private final ExecutorService attempts = Executors.newCachedThreadPool(daemon("blender-attempt"));

    /**
     * Guards every member that is not guarded yet, with its own guard or {@code guard}.
     *
     * @param needed answers that end the wait early (the quorum); the member count to wait for all
     */
    FanOut(
            Map<String, ChatModel> models,
            Map<String, GuardConfig> guards,
            GuardConfig guard,
            int needed,
            Duration deadline,
            Scheduler scheduler) {
        Map<String, GuardedChatModel> guarded = new LinkedHashMap<>();
        models.forEach((name, model) -> guarded.put(
                name,
                model instanceof GuardedChatModel g
                        ? g
                        : new GuardedChatModel(name, model, guards.getOrDefault(name, guard), attempts)));
        this.members = Collections.unmodifiableMap(guarded);
        this.needed = Math.min(needed, members.size());
        this.deadline = deadline;
        this.scheduler = scheduler;
    }

    Map<String, GuardedChatModel> members() {
        return members;
    }

    /** Every member's outcome, in member order; the interrupt flag is kept if the caller was interrupted. */
    List<MemberOutcome> collect(ChatRequest request) {
        long start = System.nanoTime();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Map<String, Future<?>> running = new LinkedHashMap<>();
        Map<String, MemberOutcome> byName = new HashMap<>();
        int answered = 0;
        String why = "deadline of " + deadline + " passed";
        // the deadline is set before the first member starts, so no answer can overtake a deadline that passed
        try (Deadline d = new Deadline(scheduler, deadline)) {
            d.whenPassed().thenRun(() -> events.add(DEADLINE));
            for (Map.Entry<String, GuardedChatModel> m : members.entrySet()) {
                running.put(m.getKey(), executor.submit(() -> events.add(ask(m.getKey(), m.getValue(), request))));
            }
            while (byName.size() < members.size() && answered < needed) {
                Object event = events.take();
                if (event == DEADLINE) {
                    break;
                }
                MemberOutcome o = (MemberOutcome) event;
                byName.put(o.member(), o);
                answered += o instanceof MemberOutcome.Answered ? 1 : 0;
            }
            if (answered >= needed && needed < members.size()) {
                why = "quorum of " + needed + " answers met";
            }
        } catch (InterruptedException e) {
            why = "the caller stopped waiting";
            Thread.currentThread().interrupt();
        }
        List<MemberOutcome> outcomes = new ArrayList<>();
        for (String member : members.keySet()) {
            MemberOutcome o = byName.get(member);
            if (o == null) {
                Future<?> f = running.get(member);
                if (f != null) {
                    f.cancel(true); // interrupts the member's call, which cancels its attempt
                }
                o = new MemberOutcome.Abandoned(member, why, since(start), 0);
            }
            outcomes.add(o);
        }
        return outcomes;
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
            if (cause instanceof CancellationException) {
                LOG.debug("member {} abandoned after {} attempt(s)", name, e.attempts());
                return new MemberOutcome.Abandoned(name, "cancelled", since(t0), e.attempts());
            }
            LOG.warn("member {} failed after {} attempt(s): {}", name, e.attempts(), cause.toString());
            return new MemberOutcome.Failed(
                    name,
                    cause.getClass().getSimpleName(),
                    String.valueOf(cause.getMessage()),
                    since(t0),
                    e.attempts());
        } catch (RuntimeException e) {
            // a member that breaks the ChatModel contract (e.g. a null message) is still only one member's failure
            LOG.warn("member {} failed: {}", name, e.toString());
            return new MemberOutcome.Failed(
                    name, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), since(t0), 0);
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Daemon threads named {@code prefix-n}, so a forgotten close never keeps the JVM alive. */
    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        attempts.shutdownNow();
    }
}
