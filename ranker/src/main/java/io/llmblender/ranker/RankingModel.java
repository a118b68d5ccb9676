package io.llmblender.ranker;

/**
 * A loaded ranking model with every capability: it orders ({@link Ranker}), compares ({@link PairScorer}), scores
 * ({@link RewardModel}) and selects by any {@link Strategy}. PairRM and the DeBERTa reward model are ranking
 * models; {@link RankingModels#load} loads either from a folder or hub id, telling them apart by
 * {@code config.json}. What the CLI, the ensemble configuration and the server hold, so no caller needs to know
 * which model it is. Owns native memory: close it.
 */
public interface RankingModel extends Ranker, PairScorer, RewardModel, AutoCloseable {
    /**
     * A selector following {@code strategy} over this model.
     *
     * @param strategy the selection strategy
     * @return a selector over this model
     */
    Selector selector(Strategy strategy);

    /** Frees the model; idempotent. Passes in flight finish first. */
    @Override
    void close();
}
