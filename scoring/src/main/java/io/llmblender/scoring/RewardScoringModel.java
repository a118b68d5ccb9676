package io.llmblender.scoring;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.RewardModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A langchain4j {@link ScoringModel} backed by a {@link RewardModel}: each segment's text is a candidate answer to
 * the query, and its score is the model's reward for it. PairRM ({@code PairRanker}) and the DeBERTa reward model
 * ({@code DebertaRewardModel}) both plug in, so they rerank retrieved content in
 * {@code ReRankingContentAggregator} and RAG pipelines.
 *
 * <pre>{@code
 * try (RankingModel pairRm = RankingModels.load("llm-blender/PairRM-hf")) {
 *     ContentAggregator aggregator = ReRankingContentAggregator.builder()
 *             .scoringModel(new RewardScoringModel(pairRm))
 *             .maxResults(3)
 *             .build();
 *     RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder()
 *             .contentRetriever(retriever).contentAggregator(aggregator).build();
 * }
 * }</pre>
 *
 * <p>What a score means depends on the model. The DeBERTa reward model's are absolute ({@code logits[:, 0]}), so a
 * {@code minScore} threshold means the same for every query. PairRM's are relative to the other segments of the
 * same call (its max_logits scores, spec §3.2: they sum to zero), so use {@code maxResults} with it, not
 * {@code minScore}, and expect a call over n segments to compare n·(n−1) ordered pairs. One segment alone scores 0
 * under PairRM (there is nothing to compare it with). Thread-safe if the reward model is; it does not own the model.
 */
public final class RewardScoringModel implements ScoringModel {
    private final RewardModel model;

    /** @param model the reward model that scores; closing it stays the caller's job */
    public RewardScoringModel(RewardModel model) {
        this.model = Objects.requireNonNull(model, "model is null; pass a RewardModel, e.g. RankingModels.load(...)");
    }

    /**
     * Scores every segment against {@code query} in one call to the reward model (so PairRM compares them with
     * each other), in segment order.
     */
    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        Objects.requireNonNull(query, "query is null; pass the text the segments should answer");
        if (segments.isEmpty()) {
            return Response.from(List.of());
        }
        List<String> texts = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            texts.add(segment.text());
        }
        float[] rewards = model.rewards(new Item(query, texts));
        if (rewards.length != texts.size()) {
            throw new IllegalStateException(model.getClass().getSimpleName() + " returned " + rewards.length
                    + " rewards for " + texts.size() + " segments; a RewardModel returns one per candidate");
        }
        List<Double> scores = new ArrayList<>(rewards.length);
        for (float r : rewards) {
            scores.add((double) r);
        }
        return Response.from(scores);
    }
}
