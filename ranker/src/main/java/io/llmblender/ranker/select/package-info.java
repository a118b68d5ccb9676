/**
 * Selection algorithms over a {@link io.llmblender.ranker.PairScorer}: the full matrix, its aggregation into
 * scores and competition ranks, and bubble best-/worst-of-n. No model here; tests drive them with fake scorers.
 */
package io.llmblender.ranker.select;
