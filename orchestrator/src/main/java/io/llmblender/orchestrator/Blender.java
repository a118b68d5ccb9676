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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Every member runs behind its own {@link GuardedChatModel} (time limit, retries, circuit breaker, bulkhead).
 * Thread-safe; {@link #close()} stops the member threads.
 */
public final class Blender implements AutoCloseable {
    private final Map<String, GuardedChatModel> members;
    private final BlendPolicy policy;
    private final FanOut fanOut;
    private final SelectionStep selection;
    private final FusionStep fusion; // null unless the policy fuses
    private final int topK;
    private final ExecutorService memberThreads;
    private final ExecutorService attemptThreads;

    private Blender(Builder b) {
        this.attemptThreads = Executors.newCachedThreadPool(daemon("blender-attempt"));
        this.memberThreads = Executors.newCachedThreadPool(daemon("blender-member"));
        Map<String, GuardedChatModel> guarded = new LinkedHashMap<>();
        b.members.forEach((name, model) -> guarded.put(
                name,
                model instanceof GuardedChatModel g
                        ? g
                        : new GuardedChatModel(name, model, b.guards.getOrDefault(name, b.guard), attemptThreads)));
        this.members = Collections.unmodifiableMap(guarded);
        this.policy = b.policy != null ? b.policy : b.fuser != null ? BlendPolicy.RANK_AND_FUSE : BlendPolicy.RANK_ONLY;
        int needed = policy == BlendPolicy.FIRST_K_THEN_RANK ? b.quorum : guarded.size();
        this.fanOut = new FanOut(members, needed, b.deadline, memberThreads);
        this.selection = new SelectionStep(b.selector);
        this.fusion = policy == BlendPolicy.RANK_AND_FUSE && b.fuser != null ? new FusionStep(b.fuser, b.topK) : null;
        this.topK = b.topK;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One user message. */
    public BlendResult blend(String prompt) {
        return blend(ChatRequest.builder().messages(UserMessage.from(prompt)).build());
    }

    /**
     * Sends {@code request} to every member and blends their answers.
     *
     * @throws EnsembleException if no member answered (its trace says why each failed)
     */
    public BlendResult blend(ChatRequest request) {
        return blend(request, null);
    }

    /**
     * As {@link #blend(ChatRequest)}, streaming the answer to {@code tokens} (if not null): a fusion as the fuser
     * generates it, a chosen answer at once. The pieces concatenate to the result's answer.
     */
    public BlendResult blend(ChatRequest request, Consumer<String> tokens) {
        long start = System.nanoTime();
        List<MemberOutcome> outcomes = fanOut.collect(request, start);
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("members", FanOut.since(start));
        List<MemberOutcome.Answered> answers = outcomes.stream()
                .filter(o -> o instanceof MemberOutcome.Answered)
                .map(o -> (MemberOutcome.Answered) o)
                .toList();
        List<String> notes = new ArrayList<>();
        if (answers.isEmpty()) {
            Trace trace = new Trace(outcomes, Map.of(), Map.of(), Optional.empty(), List.of(), stages, notes);
            throw new EnsembleException(
                    "no member answered: "
                            + outcomes.stream()
                                    .map(o -> o.member() + " " + describe(o))
                                    .toList(),
                    trace);
        }
        Prompt prompt = Prompt.from(request);
        long rankStart = System.nanoTime();
        SelectionStep.Result selected = selection.select(prompt, answers, fusion != null ? topK : 1);
        selected.note().ifPresent(notes::add);
        stages.put("rank", FanOut.since(rankStart));
        String answer = selected.ordered().get(0).text();
        Optional<String> chosen = Optional.of(selected.ordered().get(0).member());
        List<String> fusedFrom = List.of();
        if (fusion != null && notes.isEmpty()) {
            long fuseStart = System.nanoTime();
            FusionStep.Result fused = fusion.fuse(prompt, selected.ordered(), tokens);
            if (fused.fused()) {
                answer = fused.text();
                fusedFrom = fused.fusedFrom();
                chosen = Optional.empty();
            } else {
                notes.add(fused.note());
            }
            stages.put("fuse", FanOut.since(fuseStart));
        }
        if (tokens != null && fusedFrom.isEmpty()) {
            tokens.accept(answer); // a chosen answer exists whole
        }
        Trace trace = new Trace(outcomes, selected.scores(), selected.ranks(), chosen, fusedFrom, stages, notes);
        return new BlendResult(answer, trace);
    }

    private static String describe(MemberOutcome o) {
        if (o instanceof MemberOutcome.Failed f) {
            return "failed: " + f.errorType() + ": " + f.reason();
        }
        return o instanceof MemberOutcome.Abandoned a ? "abandoned: " + a.reason() : "answered";
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The guarded members, by name, so their resilience4j events can be observed. */
    public Map<String, GuardedChatModel> members() {
        return members;
    }

    public BlendPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        memberThreads.shutdownNow();
        attemptThreads.shutdownNow();
    }

    /** Builds a {@link Blender}; defaults: guard {@link GuardConfig#defaults()}, top-K 3, deadline 120 s. */
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

        public Builder member(String name, ChatModel model) {
            if (members.putIfAbsent(name, model) != null) {
                throw new IllegalArgumentException(
                        "member name '" + name + "' is used twice; names identify members in the trace");
            }
            return this;
        }

        /** A member with its own guard configuration. */
        public Builder member(String name, ChatModel model, GuardConfig memberGuard) {
            guards.put(name, memberGuard);
            return member(name, model);
        }

        /** The guard of every member that has none of its own. */
        public Builder guard(GuardConfig config) {
            this.guard = config;
            return this;
        }

        /** Ranks the answers fully with {@code r} (the full strategy); the trace gets every score and rank. */
        public Builder ranker(Ranker r) {
            this.selector = r == null ? null : new RankingSelector(r);
            return this;
        }

        /**
         * Picks the best answer (or the top-K to fuse) with {@code s}, e.g. {@code pairRm.selector(Strategy.BUBBLE)}:
         * 2·(n−1) comparisons instead of n·(n−1). Replaces {@link #ranker}.
         */
        public Builder selector(Selector s) {
            this.selector = s;
            return this;
        }

        public Builder fuser(Fuser f) {
            this.fuser = f;
            return this;
        }

        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        public Builder policy(BlendPolicy p) {
            this.policy = p;
            return this;
        }

        /** With {@link BlendPolicy#FIRST_K_THEN_RANK}: how many answers to wait for. */
        public Builder quorum(int k) {
            this.quorum = k;
            return this;
        }

        /** The longest the ensemble waits for members; the rest are abandoned (and interrupted). */
        public Builder deadline(Duration d) {
            this.deadline = d;
            return this;
        }

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
            if (deadline.isNegative() || deadline.isZero()) {
                problems.add("deadline must be positive, was " + deadline);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("cannot build the Blender: " + String.join("; ", problems));
            }
            return new Blender(this);
        }
    }
}
