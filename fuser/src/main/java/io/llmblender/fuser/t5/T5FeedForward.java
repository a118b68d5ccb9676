package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;

/**
 * The inner network of T5's feed-forward sublayer (HF {@code T5LayerFF.DenseReluDense}): the original T5's ReLU
 * ({@link T5DenseActDense}) or T5 v1.1 / Flan-T5's gated GELU ({@link T5DenseGatedActDense}), chosen by
 * {@code feed_forward_proj}. {@code [B, T, d_model] -> [B, T, d_model]}.
 */
sealed interface T5FeedForward permits T5DenseActDense, T5DenseGatedActDense {
    NDArray forward(NDArray x);

    /** The variant the config names, with its weights under {@code prefix} (ending in {@code DenseReluDense.}). */
    static T5FeedForward load(T5Weights w, String prefix) {
        return w.config().gatedGelu() ? T5DenseGatedActDense.load(w, prefix) : T5DenseActDense.load(w, prefix);
    }
}
