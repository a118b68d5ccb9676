package io.llmblender.orchestrator;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.adapters.guard.GuardedChatModel;
import io.llmblender.fuser.Fuser;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.select.RankingSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

    private Blender(Builder b) {
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
     * A builder with no members, no ranker and the defaults of {@link Builder}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
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

    /**
     * Builds a {@link Blender}. Defaults: guard {@link GuardConfig#defaults()}, top-K 3, and one budget per stage:
     * members 120 s, ranking 60 s, fusion 120 s, so a call takes at most their sum plus one attempt's time limit.
     */
    public static final class Builder {
        private final Map<String, ChatModel> members = new LinkedHashMap<>();
        private final Map<String, GuardConfig> guards = new HashMap<>();
        private GuardConfig guard = GuardConfig.defaults();
        private Selector selector;
        private Fuser fuser;
        private int topK = RankAndFuse.DEFAULT_TOP_K;
        private BlendPolicy policy;
        private int quorum = Integer.MAX_VALUE;
        private Duration deadline = Duration.ofSeconds(120);
        private Duration rankBudget = Duration.ofSeconds(60);
        private Duration fuseBudget = Duration.ofSeconds(120);
        private Scheduler scheduler;

        /**
         * A member; any langchain4j {@link ChatModel}. Its guard does the retrying, so build it with its own retries
         * off (e.g. {@code OpenAiChatModel.builder().maxRetries(0)}; langchain4j's default of 2 turns each guarded
         * attempt into up to three HTTP calls that the trace cannot see).
         *
         * @param name the member's name, unique in the ensemble
         * @param model the member
         * @return this builder
         */
        public Builder member(String name, ChatModel model) {
            if (members.putIfAbsent(name, model) != null) {
                throw new IllegalArgumentException(
                        "member name '" + name + "' is used twice; names identify members in the trace");
            }
            return this;
        }

        /**
         * A member with its own guard configuration.
         *
         * @param name the member's name, unique in the ensemble
         * @param model the member
         * @param memberGuard this member's time limit, retries, breaker and bulkhead
         * @return this builder
         */
        public Builder member(String name, ChatModel model, GuardConfig memberGuard) {
            guards.put(name, memberGuard);
            return member(name, model);
        }

        /**
         * The guard of every member that has none of its own.
         *
         * @param config the default guard
         * @return this builder
         */
        public Builder guard(GuardConfig config) {
            this.guard = config;
            return this;
        }

        /**
         * Ranks the answers fully with {@code r} (the full strategy); the trace gets every score and rank.
         *
         * @param r ranks every answer, e.g. a {@code PairRanker}
         * @return this builder
         */
        public Builder ranker(Ranker r) {
            this.selector = r == null ? null : new RankingSelector(r);
            return this;
        }

        /**
         * Picks the best answer (or the top-K to fuse) with {@code s}, e.g. {@code pairRm.selector(Strategy.BUBBLE)}:
         * 2·(n−1) comparisons instead of n·(n−1). Replaces {@link #ranker}.
         *
         * @param s the selection strategy over the answers
         * @return this builder
         */
        public Builder selector(Selector s) {
            this.selector = s;
            return this;
        }

        /**
         * Fuses the top-K answers with {@code f}; with no policy set, a fuser makes it {@link
         * BlendPolicy#RANK_AND_FUSE}.
         *
         * @param f the fuser, e.g. a {@code GenFuser} or a {@code ChatModelFuser}
         * @return this builder
         */
        public Builder fuser(Fuser f) {
            this.fuser = f;
            return this;
        }

        /**
         * How many of the best answers the fuser reads (default 3, as {@code rank_and_fuse(top_k=3)}).
         *
         * @param k at least 1
         * @return this builder
         */
        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /**
         * What to do with the answers; by default rank-and-fuse with a fuser, else rank-only.
         *
         * @param p the policy
         * @return this builder
         */
        public Builder policy(BlendPolicy p) {
            this.policy = p;
            return this;
        }

        /**
         * With {@link BlendPolicy#FIRST_K_THEN_RANK}: how many answers to wait for.
         *
         * @param k answers to wait for, at least 1
         * @return this builder
         */
        public Builder quorum(int k) {
            this.quorum = k;
            return this;
        }

        /**
         * The longest the ensemble waits for members; the rest are abandoned (and their calls cancelled).
         *
         * @param d the members' budget; positive
         * @return this builder
         */
        public Builder deadline(Duration d) {
            this.deadline = d;
            return this;
        }

        /**
         * The longest ranking may take; past it the call returns the first answer and says so in the trace.
         *
         * @param d the ranking budget; positive
         * @return this builder
         */
        public Builder rankBudget(Duration d) {
            this.rankBudget = d;
            return this;
        }

        /**
         * The longest fusion may take; past it the call returns the top-ranked answer (or the fusion so far).
         *
         * @param d the fusion budget; positive
         * @return this builder
         */
        public Builder fuseBudget(Duration d) {
            this.fuseBudget = d;
            return this;
        }

        /**
         * When deadlines pass; a daemon timer thread by default. Tests pass one they fire by hand.
         *
         * @param s the scheduler of the budgets
         * @return this builder
         */
        public Builder scheduler(Scheduler s) {
            this.scheduler = s;
            return this;
        }

        /**
         * The ensemble; every problem of the configuration is reported at once.
         *
         * @return the ensemble; the caller closes it
         * @throws IllegalStateException naming each problem and its fix (no members, no ranker, a fuser missing for
         *     rank-and-fuse, a top-K the selector cannot give, a non-positive budget)
         */
        public Blender build() {
            List<String> problems = new ArrayList<>();
            boolean fusing = policy == BlendPolicy.RANK_AND_FUSE || (policy == null && fuser != null);
            if (selector != null && fusing && topK > selector.maxK()) {
                problems.add("the selector finds only the best " + selector.maxK() + " answer(s) (bubble, knockout);"
                        + " rank-and-fuse of top " + topK + " needs the full or top-k strategy");
            }
            if (members.isEmpty()) {
                problems.add("no members: add at least one with member(name, chatModel)");
            }
            if (selector == null) {
                problems.add("no ranker: set one with ranker(...), e.g. PairRanker.load(\"llm-blender/PairRM-hf\") or"
                        + " the offline ConsensusRanker");
            }
            if (topK < 1) {
                problems.add("topK is " + topK + "; it must be at least 1");
            }
            if (policy == BlendPolicy.RANK_AND_FUSE && fuser == null) {
                problems.add("policy RANK_AND_FUSE needs a fuser: set one with fuser(...)");
            }
            if (policy == BlendPolicy.FIRST_K_THEN_RANK && (quorum < 1 || quorum == Integer.MAX_VALUE)) {
                problems.add("policy FIRST_K_THEN_RANK needs quorum(k) with k >= 1");
            }
            for (Duration d : List.of(deadline, rankBudget, fuseBudget)) {
                if (d.isNegative() || d.isZero()) {
                    problems.add("the deadline and the stage budgets must be positive; one was " + d);
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("cannot build the Blender: " + String.join("; ", problems));
            }
            return new Blender(this);
        }
    }
}
