package io.llmblender.orchestrator;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.adapters.guard.GuardedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * LLM-Blender as one call: ask every member in parallel, rank the answers, return the best or fuse the top-K,
 * with a complete {@link Trace}. A member's failure is recorded, never fatal; if ranking or fusion fails the
 * call degrades to the best answer it has and says so in the trace.
 *
 * <pre>{@code
 * try (Blender blender = Blender.builder()
 *         .member("gpt-4o-mini", openAi)          // any langchain4j ChatModel
 *         .member("llama3", ollama)
 *         .ranker(pairRanker)                     // required
 *         .fuser(genFuser)                        // optional: rank-and-fuse
 *         .topK(3)
 *         .build()) {
 *     BlendResult r = blender.blend("What is the capital of France?");
 *     r.answer();  r.trace().outcomes();
 * }
 * }</pre>
 *
 * Every member runs behind its own {@link GuardedChatModel}; each stage has a budget. Thread-safe; close it.
 */
public final class Blender implements AutoCloseable {
    private final BlendPolicy policy;
    private final FanOut fanOut;
    private final SelectionStep selection;
    private final FusionStep fusion; // null unless the policy fuses
    private final ExecutorService stageThreads = Executors.newCachedThreadPool(FanOut.daemon("blender-stage"));
    private final ScheduledExecutorService timers; // null when the builder was given a scheduler

    Blender(BlenderBuilder b) {
        this.timers =
                b.scheduler == null ? Executors.newSingleThreadScheduledExecutor(FanOut.daemon("blender-timer")) : null;
        Scheduler scheduler = b.scheduler == null ? Scheduler.of(timers) : b.scheduler;
        StageRunner stages = new StageRunner(stageThreads, scheduler);
        this.policy = b.policy != null ? b.policy : b.fuser != null ? BlendPolicy.RANK_AND_FUSE : BlendPolicy.RANK_ONLY;
        int needed = policy == BlendPolicy.FIRST_K_THEN_RANK ? b.quorum : b.members.size();
        this.fanOut = new FanOut(b.members, b.guards, b.guard, needed, b.deadline, scheduler);
        this.selection = new SelectionStep(b.selector, stages, b.rankBudget);
        this.fusion = policy == BlendPolicy.RANK_AND_FUSE && b.fuser != null
                ? new FusionStep(b.fuser, b.topK, stages, b.fuseBudget)
                : null;
    }

    /**
     * A builder with no members, no ranker and the defaults of {@link BlenderBuilder}.
     *
     * @return a new builder
     */
    public static BlenderBuilder builder() {
        return new BlenderBuilder();
    }

    /**
     * Blends the answers to one user message: {@link #blend(ChatRequest)} of a request holding only that message.
     *
     * @param prompt the user's message
     * @return the answer and the trace of what happened
     * @throws IllegalArgumentException if {@code prompt} is blank
     * @throws EnsembleException if no member answered
     */
    public BlendResult blend(String prompt) {
        return blend(ChatRequest.builder().messages(UserMessage.from(prompt)).build());
    }

    /**
     * Sends {@code request} to every member and blends their answers.
     *
     * @param request the chat request every member receives
     * @return the answer and the trace of what happened
     * @throws IllegalArgumentException if the request holds no user text (no member is called)
     * @throws EnsembleException if no member answered (its trace says why each failed)
     * @throws CancellationException if the calling thread was interrupted (every running member is cancelled)
     */
    public BlendResult blend(ChatRequest request) {
        return blend(request, null);
    }

    /**
     * As {@link #blend(ChatRequest)}, streaming the answer to {@code tokens} (if not null): a fusion as the fuser
     * generates it, a chosen answer at once. The pieces concatenate to the result's answer, or the call throws
     * {@link StreamFailedException} if fusion failed after part of it was streamed (no fallback follows it).
     *
     * @param request the chat request every member receives
     * @param tokens receives the answer piece by piece, or null for no streaming
     * @return the answer and the trace of what happened
     */
    public BlendResult blend(ChatRequest request, Consumer<String> tokens) {
        Prompt prompt = Prompt.from(request); // a request the ranker cannot read is refused before any member is called
        long start = System.nanoTime();
        List<MemberOutcome> outcomes = fanOut.collect(request);
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("members", FanOut.since(start));
        List<MemberOutcome.Answered> answers = Trace.answered(outcomes);
        List<String> notes = new ArrayList<>();
        try {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (answers.isEmpty()) {
                Trace trace = new Trace(outcomes, Map.of(), Map.of(), Optional.empty(), List.of(), stages, notes);
                List<String> why =
                        outcomes.stream().map(MemberOutcome::describe).toList();
                throw new EnsembleException("no member answered: " + why, trace);
            }
            long rankStart = System.nanoTime();
            SelectionStep.Result selected = selection.select(prompt, answers, fusion != null ? fusion.topK() : 1);
            selected.note().ifPresent(notes::add);
            stages.put("rank", FanOut.since(rankStart));
            String answer = selected.ordered().get(0).text();
            Optional<String> chosen = Optional.of(selected.ordered().get(0).member());
            List<String> fusedFrom = List.of();
            boolean cut = false;
            if (fusion != null && notes.isEmpty()) {
                long fuseStart = System.nanoTime();
                FusionStep.Result fused = fusion.fuse(prompt, selected.ordered(), tokens);
                if (fused.text() != null) { // the fusion, or the part of it streamed before it stopped
                    answer = fused.text();
                    fusedFrom = fused.fusedFrom();
                    chosen = Optional.empty();
                }
                if (fused.note() != null) {
                    notes.add(fused.note());
                }
                stages.put("fuse", FanOut.since(fuseStart));
                cut = fused.cut();
            }
            Trace trace = new Trace(outcomes, selected.scores(), selected.ranks(), chosen, fusedFrom, stages, notes);
            if (cut) { // part of a fusion was streamed before it failed: no fallback may follow it
                throw new StreamFailedException(notes.get(notes.size() - 1), answer, trace);
            }
            if (tokens != null && fusedFrom.isEmpty()) {
                tokens.accept(answer); // a chosen answer exists whole
            }
            return new BlendResult(answer, trace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the call was cancelled by its caller; no member is still running");
        }
    }

    /**
     * The guarded members, by name, so their resilience4j events can be observed.
     *
     * @return the members, in the order they were added
     */
    public Map<String, GuardedChatModel> members() {
        return fanOut.members();
    }

    /**
     * What this ensemble does with the answers.
     *
     * @return the policy, resolved at build time
     */
    public BlendPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        fanOut.close();
        stageThreads.shutdownNow();
        if (timers != null) {
            timers.shutdownNow();
        }
    }
}
