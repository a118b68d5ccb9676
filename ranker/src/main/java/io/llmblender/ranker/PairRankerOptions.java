package io.llmblender.ranker;

import io.llmblender.ranker.pairrm.PairEncoder.BudgetRule;
import io.llmblender.ranker.pairrm.PairEncoder.Limits;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmOptions;
import java.util.Objects;

/**
 * Everything a {@link PairRanker} can be told, in one immutable record; defaults are the reference's (spec §7.2).
 *
 * <pre>{@code
 * PairRankerOptions o = PairRankerOptions.DEFAULT
 *         .withLimits(new Limits(512, 256))          // Python's source_max_length / candidate_max_length
 *         .withBatching(Batching.tokens(4096))        // at most 4,096 padded tokens per forward pass
 *         .withSeed(42);                              // start orders of bubble and knockout
 * PairRanker ranker = PairRanker.load("llm-blender/PairRM-hf", o);
 * }</pre>
 *
 * @param limits token limits of source and candidates (PairRM: 1224 and 412)
 * @param budgetRule whose source length sets the candidate budget: each input's own (default) or the longest of
 *     {@code budgetBatchSize} consecutive inputs, as the reference's collator
 * @param budgetBatchSize inputs that share a budget under {@link BudgetRule#BATCH} (the reference's
 *     {@code batch_size}, default 8)
 * @param batching how pair rows are packed into forward passes (rows and padded tokens per pass)
 * @param progress told after each forward pass how many distinct pair rows are done
 * @param seed the seed of the start orders of bubble selection and knockouts, mixed with each item's content
 * @param model what is fixed when the model loads (concurrent passes); ignored by {@link PairRanker#withOptions}
 *     when it equals the loaded model's, refused when it differs
 */
public record PairRankerOptions(
        Limits limits,
        BudgetRule budgetRule,
        int budgetBatchSize,
        Batching batching,
        PairRm.Progress progress,
        long seed,
        PairRmOptions model) {
    /** The reference's batch size for {@code rank}, {@code rank_with_ref} and bubble batches (spec §7.2). */
    public static final int DEFAULT_BATCH_SIZE = 8;

    /** The default start-order seed. */
    public static final long DEFAULT_SEED = 7;

    /**
     * The reference's settings: PairRM's limits, per-example budgets, batches of 8, {@link Batching#DEFAULT}, no
     * progress, seed {@value #DEFAULT_SEED}, {@link PairRmOptions#DEFAULT}.
     */
    public static final PairRankerOptions DEFAULT = new PairRankerOptions(
            Limits.PAIRRM,
            BudgetRule.PER_EXAMPLE,
            DEFAULT_BATCH_SIZE,
            Batching.DEFAULT,
            PairRm.Progress.NONE,
            DEFAULT_SEED,
            PairRmOptions.DEFAULT);

    /**
     * Refuses null parts and a batch size below 1.
     *
     * @param limits token limits of source and candidates (PairRM: 1224 and 412)
     * @param budgetRule whose source length sets the candidate budget
     * @param budgetBatchSize inputs that share a budget under {@link BudgetRule#BATCH}, at least 1
     * @param batching how pair rows are packed into forward passes
     * @param progress told after each forward pass how many distinct pair rows are done
     * @param seed the start-order seed of bubble selection and knockouts
     * @param model load-time options
     */
    public PairRankerOptions {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(budgetRule, "budgetRule");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(progress, "progress; use PairRm.Progress.NONE for none");
        Objects.requireNonNull(model, "model");
        if (budgetBatchSize < 1) {
            throw new IllegalArgumentException("budgetBatchSize must be at least 1, was " + budgetBatchSize);
        }
    }

    /**
     * Other token limits (Python's per-call {@code source_max_length}/{@code candidate_max_length}).
     *
     * @param newLimits the source and candidate token limits
     * @return options with those limits
     */
    public PairRankerOptions withLimits(Limits newLimits) {
        return new PairRankerOptions(newLimits, budgetRule, budgetBatchSize, batching, progress, seed, model);
    }

    /**
     * Another candidate-budget rule; with {@link BudgetRule#BATCH}, consecutive groups of {@code batchSize} inputs
     * share a budget as in {@code Blender.rank(..., batch_size=batchSize)}.
     *
     * @param rule whose source length sets the candidate budget
     * @param batchSize inputs that share a budget under {@link BudgetRule#BATCH}, at least 1
     * @return options with that rule
     */
    public PairRankerOptions withBudget(BudgetRule rule, int batchSize) {
        return new PairRankerOptions(limits, rule, batchSize, batching, progress, seed, model);
    }

    /**
     * Another packing of pair rows into forward passes.
     *
     * @param newBatching how pair rows are packed into passes
     * @return options with that batching
     */
    public PairRankerOptions withBatching(Batching newBatching) {
        return new PairRankerOptions(limits, budgetRule, budgetBatchSize, newBatching, progress, seed, model);
    }

    /**
     * Progress reports (distinct pair rows scored, total) after each forward pass.
     *
     * @param listener told after each forward pass; {@link PairRm.Progress#NONE} for silence
     * @return options with that listener
     */
    public PairRankerOptions withProgress(PairRm.Progress listener) {
        return new PairRankerOptions(limits, budgetRule, budgetBatchSize, batching, listener, seed, model);
    }

    /**
     * Another start-order seed for bubble selection and knockouts.
     *
     * @param newSeed the start-order seed
     * @return options with that seed
     */
    public PairRankerOptions withSeed(long newSeed) {
        return new PairRankerOptions(limits, budgetRule, budgetBatchSize, batching, progress, newSeed, model);
    }

    /**
     * Other load-time options (used by {@code PairRanker.load}).
     *
     * @param newModel load-time options
     * @return options with those load-time options
     */
    public PairRankerOptions withModel(PairRmOptions newModel) {
        return new PairRankerOptions(limits, budgetRule, budgetBatchSize, batching, progress, seed, newModel);
    }
}
