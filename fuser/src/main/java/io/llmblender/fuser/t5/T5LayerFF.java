package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;

/**
 * The feed-forward sublayer of a T5 block (HF {@code T5LayerFF}): pre-norm, the inner network, residual.
 * Immutable; thread-safe.
 */
record T5LayerFF(T5LayerNorm layerNorm, T5FeedForward denseReluDense) {
    /** Weights under {@code prefix} (ending in {@code layer.<i>.}). */
    static T5LayerFF load(T5Weights w, String prefix) {
        T5FeedForward ff =
                T5FeedForward.load(w, prefix + "DenseReluDense."); // before the norm: see T5Weights on key order
        return new T5LayerFF(w.layerNorm(prefix + "layer_norm.weight"), ff);
    }

    NDArray forward(NDArray x) {
        // x + FF(norm(x)), dropout being off at inference
        return x.add(denseReluDense.forward(layerNorm.forward(x)));
    }
}
