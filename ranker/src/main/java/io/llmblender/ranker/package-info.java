/**
 * The ranker's public API: what a caller depends on to order candidate answers, with the Python
 * {@code llm_blender.Blender} names in camelCase.
 *
 * <ul>
 *   <li>Capabilities: {@link io.llmblender.ranker.Ranker} ({@code Blender.rank}), {@link
 *       io.llmblender.ranker.PairScorer} ({@code Blender.compare}, {@code compare_conversations}), {@link
 *       io.llmblender.ranker.RewardModel}, {@link io.llmblender.ranker.Selector} (best-of-n and top-K strategies,
 *       {@code get_best_of_n}) and {@link io.llmblender.ranker.RankingModel}, which is all of them.
 *   <li>Values: {@link io.llmblender.ranker.Item} (instruction, input, candidates), {@link
 *       io.llmblender.ranker.Ranking}, {@link io.llmblender.ranker.Comparison}, {@link
 *       io.llmblender.ranker.Selection}, {@link io.llmblender.ranker.Turn}.
 *   <li>Loading: {@link io.llmblender.ranker.PairRanker} (PairRM, {@code Blender.loadranker}) and {@link
 *       io.llmblender.ranker.RankingModels} (PairRM or a DeBERTa reward model, by the folder's
 *       {@code config.json}), configured by {@link io.llmblender.ranker.PairRankerOptions}.
 * </ul>
 *
 * <p>Values are immutable records; models own native memory and are {@code AutoCloseable}.
 */
package io.llmblender.ranker;
