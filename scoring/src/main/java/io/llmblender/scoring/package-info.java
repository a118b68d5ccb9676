/**
 * PairRM and reward models where langchain4j users look for rerankers: {@link io.llmblender.scoring.RewardScoringModel},
 * a {@code ScoringModel} for {@code ReRankingContentAggregator}.
 */
package io.llmblender.scoring;
