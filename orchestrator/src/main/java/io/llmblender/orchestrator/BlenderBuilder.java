package io.llmblender.orchestrator;

import dev.langchain4j.model.chat.ChatModel;
import io.llmblender.adapters.guard.GuardConfig;
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

/**
 * Builds a {@link Blender} ({@link Blender#builder()}). Defaults: guard {@link GuardConfig#defaults()}, top-K 3, and one budget per stage:
 * members 120 s, ranking 60 s, fusion 120 s, so a call takes at most their sum plus one attempt's time limit.
 */
public final class BlenderBuilder {
    // Package-private: Blender's constructor reads them once, after build() has checked them.
    final Map<String, ChatModel> members = new LinkedHashMap<>();
    final Map<String, GuardConfig> guards = new HashMap<>();
    GuardConfig guard = GuardConfig.defaults();
    Selector selector;
    Fuser fuser;
    int topK = RankAndFuse.DEFAULT_TOP_K;
    BlendPolicy policy;
    int quorum = Integer.MAX_VALUE;
    Duration deadline = Duration.ofSeconds(120);
    Duration rankBudget = Duration.ofSeconds(60);
    Duration fuseBudget = Duration.ofSeconds(120);
    Scheduler scheduler;

    /** Use {@link Blender#builder()}. */
    BlenderBuilder() {}

    /**
     * A member; any langchain4j {@link ChatModel}. Its guard does the retrying, so build it with its own retries
     * off (e.g. {@code OpenAiChatModel.builder().maxRetries(0)}; langchain4j's default of 2 turns each guarded
     * attempt into up to three HTTP calls that the trace cannot see).
     *
     * @param name the member's name, unique in the ensemble
     * @param model the member
     * @return this builder
     */
    public BlenderBuilder member(String name, ChatModel model) {
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
    public BlenderBuilder member(String name, ChatModel model, GuardConfig memberGuard) {
        guards.put(name, memberGuard);
        return member(name, model);
    }

    /**
     * The guard of every member that has none of its own.
     *
     * @param config the default guard
     * @return this builder
     */
    public BlenderBuilder guard(GuardConfig config) {
        this.guard = config;
        return this;
    }

    /**
     * Ranks the answers fully with {@code r} (the full strategy); the trace gets every score and rank.
     *
     * @param r ranks every answer, e.g. a {@code PairRanker}
     * @return this builder
     */
    public BlenderBuilder ranker(Ranker r) {
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
    public BlenderBuilder selector(Selector s) {
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
    public BlenderBuilder fuser(Fuser f) {
        this.fuser = f;
        return this;
    }

    /**
     * How many of the best answers the fuser reads (default 3, as {@code rank_and_fuse(top_k=3)}).
     *
     * @param k at least 1
     * @return this builder
     */
    public BlenderBuilder topK(int k) {
        this.topK = k;
        return this;
    }

    /**
     * What to do with the answers; by default rank-and-fuse with a fuser, else rank-only.
     *
     * @param p the policy
     * @return this builder
     */
    public BlenderBuilder policy(BlendPolicy p) {
        this.policy = p;
        return this;
    }

    /**
     * With {@link BlendPolicy#FIRST_K_THEN_RANK}: how many answers to wait for.
     *
     * @param k answers to wait for, at least 1
     * @return this builder
     */
    public BlenderBuilder quorum(int k) {
        this.quorum = k;
        return this;
    }

    /**
     * The longest the ensemble waits for members; the rest are abandoned (and their calls cancelled).
     *
     * @param d the members' budget; positive
     * @return this builder
     */
    public BlenderBuilder deadline(Duration d) {
        this.deadline = d;
        return this;
    }

    /**
     * The longest ranking may take; past it the call returns the first answer and says so in the trace.
     *
     * @param d the ranking budget; positive
     * @return this builder
     */
    public BlenderBuilder rankBudget(Duration d) {
        this.rankBudget = d;
        return this;
    }

    /**
     * The longest fusion may take; past it the call returns the top-ranked answer (or the fusion so far).
     *
     * @param d the fusion budget; positive
     * @return this builder
     */
    public BlenderBuilder fuseBudget(Duration d) {
        this.fuseBudget = d;
        return this;
    }

    /**
     * When deadlines pass; a daemon timer thread by default. Tests pass one they fire by hand.
     *
     * @param s the scheduler of the budgets
     * @return this builder
     */
    public BlenderBuilder scheduler(Scheduler s) {
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
