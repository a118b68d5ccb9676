package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;

/**
 * The cross-attention sublayer of a T5 decoder block (HF {@code T5LayerCrossAttention}): pre-norm, attention
 * over the encoder's output, residual. It has no position bias of its own: its bias is the encoder mask.
 * Immutable; thread-safe.
 */
record T5LayerCrossAttention(T5LayerNorm layerNorm, T5Attention encDecAttention) {
    /** Weights under {@code prefix} (ending in {@code layer.1.}). */
    static T5LayerCrossAttention load(T5Weights w, String prefix) {
        T5Attention attention = T5Attention.load(
                w, prefix + "EncDecAttention.", false, true); // before the norm: see T5Weights on key order
        return new T5LayerCrossAttention(w.layerNorm(prefix + "layer_norm.weight"), attention);
    }

    /** The keys and values of the encoder's output, computed once per decode. */
    T5Attention.KeyValues keyValues(NDArray encoderOutput) {
        return encDecAttention.keyValues(encoderOutput);
    }

    /**
     * @param encoder keys and values of the encoder output, {@code [B, H, L, d]}
     * @param bias the encoder mask as a bias, {@code [B, 1, 1, L]}
     */
    NDArray forward(NDArray x, T5Attention.KeyValues encoder, NDArray bias) {
        // pre-norm, attention over the encoder output, residual
        return x.add(encDecAttention.forward(layerNorm.forward(x), encoder, bias));
    }
}
