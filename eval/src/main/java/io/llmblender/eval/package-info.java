/**
 * Evaluation: benchmark loaders ({@code data}), agreement metrics ({@code metric}) and judges
 * ({@link io.llmblender.eval.PairwiseJudge}). Reports are in {@code report}.
 */
package io.llmblender.eval;
