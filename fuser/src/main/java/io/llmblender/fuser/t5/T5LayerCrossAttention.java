package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

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
     * @param x {@code [B·n, q, d_model]}: n rows (beams) per input, each row's q positions
     * @param encoder keys and values of the encoder output, {@code [B, H, L, d]}, one row per input
     * @param bias the encoder mask as a bias, {@code [B, 1, 1, L]}
     */
    NDArray forward(NDArray x, T5Attention.KeyValues encoder, NDArray bias) {
        Shape s = x.getShape();
        long inputs = encoder.keys().getShape().get(0);
        // an input's n beams attend over the same encoder keys: fold them into its queries, [B, n·q, d_model]
        // (no copy of the keys per beam; with n = 1 this is the identity)
        NDArray grouped = x.reshape(inputs, s.get(0) / inputs * s.get(1), s.get(2));
        // pre-norm, attention over the encoder output, residual
        NDArray y = grouped.add(encDecAttention.forward(layerNorm.forward(grouped), encoder, bias));
        // back to one row per beam
        return y.reshape(s);
    }
}
