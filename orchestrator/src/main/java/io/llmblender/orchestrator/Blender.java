package io.llmblender.orchestrator;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.adapters.guard.GuardedChatModel;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.Selection;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Blender.class);

    private final Map<String, GuardedChatModel> members;
    private final Selector selector;
    private final Fuser fuser;
    private final int topK;
    private final BlendPolicy policy;
    private final int quorum;
    private final Duration deadline;
    private final ExecutorService fanOut;
    private final ExecutorService attempts;

    private Blender(Builder b) {
        this.attempts = Executors.newCachedThreadPool(daemon("blender-attempt"));
        this.fanOut = Executors.newCachedThreadPool(daemon("blender-member"));
        Map<String, GuardedChatModel> guarded = new LinkedHashMap<>();
        b.members.forEach((name, model) -> guarded.put(
                name,
                model instanceof GuardedChatModel g
                        ? g
                        : new GuardedChatModel(name, model, b.guards.getOrDefault(name, b.guard), attempts)));
        this.members = guarded;
        this.selector = b.selector;
        this.fuser = b.fuser;
        this.topK = b.topK;
        this.policy = b.policy != null ? b.policy : b.fuser != null ? BlendPolicy.RANK_AND_FUSE : BlendPolicy.RANK_ONLY;
        this.quorum = b.quorum;
        this.deadline = b.deadline;
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
    public BlendResult blend(ChatRequest request, java.util.function.Consumer<String> tokens) {
        long start = System.nanoTime();
        List<MemberOutcome> outcomes = collect(request, start);
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("members", since(start));
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
        String input = lastUserText(request);
        String instruction = systemText(request);
        Map<String, Float> scores = new LinkedHashMap<>();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        List<MemberOutcome.Answered> ordered = answers;
        long rankStart = System.nanoTime();
        if (answers.size() > 1) {
            try {
                List<String> texts =
                        answers.stream().map(MemberOutcome.Answered::text).toList();
                int k = policy == BlendPolicy.RANK_AND_FUSE && fuser != null ? topK : 1;
                Selection selection = selector.select(new Item(instruction, input, texts), k);
                List<MemberOutcome.Answered> sorted = new ArrayList<>();
                if (selection.ranking() != null) {
                    Ranking ranking = selection.ranking();
                    for (int i = 0; i < answers.size(); i++) {
                        scores.put(answers.get(i).member(), ranking.scores()[i]);
                        ranks.put(answers.get(i).member(), ranking.ranks()[i]);
                    }
                    for (int i : ranking.order()) {
                        sorted.add(answers.get(i));
                    }
                } else {
                    // a selection strategy places only its best K; the rest follow in member order, unranked
                    for (int place = 0; place < selection.best().size(); place++) {
                        int i = selection.best().get(place);
                        ranks.put(answers.get(i).member(), place + 1);
                        sorted.add(answers.get(i));
                    }
                    for (MemberOutcome.Answered a : answers) {
                        if (!sorted.contains(a)) {
                            sorted.add(a);
                        }
                    }
                }
                ordered = sorted;
            } catch (RuntimeException e) {
                LOG.warn("ranking failed, returning the first answer: {}", e.toString());
                notes.add("ranking failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); returned the first answer in member order");
            }
        }
        stages.put("rank", since(rankStart));
        String answer = ordered.get(0).text();
        Optional<String> chosen = Optional.of(ordered.get(0).member());
        List<String> fusedFrom = List.of();
        if (policy == BlendPolicy.RANK_AND_FUSE && fuser != null && notes.isEmpty()) {
            long fuseStart = System.nanoTime();
            List<MemberOutcome.Answered> top = ordered.subList(0, Math.min(topK, ordered.size()));
            try {
                FusionRequest fusion = new FusionRequest(
                        instruction,
                        input,
                        top.stream().map(MemberOutcome.Answered::text).toList());
                answer = (tokens == null ? fuser.fuse(fusion) : fuser.fuse(fusion, tokens)).text();
                fusedFrom = top.stream().map(MemberOutcome.Answered::member).toList();
                chosen = Optional.empty();
            } catch (RuntimeException e) {
                LOG.warn("fusion failed, returning the top-ranked answer: {}", e.toString());
                notes.add("fusion failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); returned the top-ranked answer");
            }
            stages.put("fuse", since(fuseStart));
        }
        if (tokens != null && fusedFrom.isEmpty()) {
            tokens.accept(answer); // a chosen answer exists whole
        }
        return new BlendResult(answer, new Trace(outcomes, scores, ranks, chosen, fusedFrom, stages, notes));
    }

    /** Fans out and waits until all finish, the quorum is met, or the deadline passes; outcomes in member order. */
    private List<MemberOutcome> collect(ChatRequest request, long start) {
        ExecutorCompletionService<MemberOutcome> done = new ExecutorCompletionService<>(fanOut);
        Map<Future<MemberOutcome>, String> futures = new LinkedHashMap<>();
        for (Map.Entry<String, GuardedChatModel> m : members.entrySet()) {
            futures.put(done.submit(() -> ask(m.getKey(), m.getValue(), request)), m.getKey());
        }
        Map<String, MemberOutcome> byName = new HashMap<>();
        int answered = 0;
        int needed = policy == BlendPolicy.FIRST_K_THEN_RANK ? Math.min(quorum, members.size()) : members.size();
        long deadlineNanos = start + deadline.toNanos();
        try {
            while (byName.size() < members.size() && answered < needed) {
                long left = deadlineNanos - System.nanoTime();
                Future<MemberOutcome> f = left > 0 ? done.poll(left, TimeUnit.NANOSECONDS) : null;
                if (f == null) {
                    break; // deadline
                }
                MemberOutcome o = outcome(f, futures.get(f), start);
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
                o = new MemberOutcome.Abandoned(f.getValue(), why, since(start), 0);
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

    private static String describe(MemberOutcome o) {
        if (o instanceof MemberOutcome.Failed f) {
            return "failed: " + f.errorType() + ": " + f.reason();
        }
        return o instanceof MemberOutcome.Abandoned a ? "abandoned: " + a.reason() : "answered";
    }

    static String lastUserText(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) {
                return u.singleText();
            }
        }
        throw new IllegalArgumentException(
                "the request has no user message with text; the ensemble ranks answers" + " to a user message");
    }

    private static String systemText(ChatRequest request) {
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) {
                return s.text();
            }
        }
        return null;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The guarded members, by name, so their resilience4j events can be observed. */
    public Map<String, GuardedChatModel> members() {
        return java.util.Collections.unmodifiableMap(members);
    }

    public BlendPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        fanOut.shutdownNow();
        attempts.shutdownNow();
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
