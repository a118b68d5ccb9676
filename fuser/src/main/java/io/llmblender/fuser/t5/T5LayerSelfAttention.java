package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The self-attention sublayer of a T5 block (HF {@code T5LayerSelfAttention}): pre-norm, attention over the
 * same sequence, residual. Bidirectional in the encoder, causal in the decoder (the causality is in the bias).
 * Immutable; thread-safe.
 */
record T5LayerSelfAttention(T5LayerNorm layerNorm, T5Attention selfAttention) {
    /** Weights under {@code prefix} (ending in {@code layer.0.}); {@code first}: block 0, which owns the bias. */
    static T5LayerSelfAttention load(T5Weights w, String prefix, boolean first, boolean bidirectional) {
        // before the norm: see T5Weights on key order
        T5Attention attention = T5Attention.load(w, prefix + "SelfAttention.", first, bidirectional);
        return new T5LayerSelfAttention(w.layerNorm(prefix + "layer_norm.weight"), attention);
    }

    /** Over the whole sequence at once (encoder, teacher-forced decoder). */
    NDArray forward(NDArray x, NDArray bias) {
        // pre-norm
        NDArray n = layerNorm.forward(x);
        // every position attends over the keys and values of the same normed sequence; residual
        return x.add(selfAttention.forward(n, selfAttention.keyValues(n), bias));
    }

    /** One new position per row: its keys and values join those {@code cache} holds for {@code layer}. */
    NDArray forward(NDArray x, NDArray bias, EncoderDecoderCache cache, int layer) {
        // pre-norm
        NDArray n = layerNorm.forward(x);
        // the new token's keys and values are appended to the earlier tokens' ones
        T5Attention.KeyValues kv = cache.appendSelf(layer, selfAttention.keyValues(n));
        // the new query attends over all of them; residual
        return x.add(selfAttention.forward(n, kv, bias));
    }

    /** See {@link T5Attention#positionBias}; only block 0's layer has the table. */
    NDArray positionBias(NDManager manager, int firstQuery, int queries, int keys) {
        return selfAttention.positionBias(manager, firstQuery, queries, keys);
    }
}
