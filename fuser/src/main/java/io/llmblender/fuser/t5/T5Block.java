package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One T5 block (HF {@code T5Block}): self-attention, then (decoder only) cross-attention over the encoder
 * output, then the feed-forward, each a pre-norm residual sublayer. Immutable; thread-safe.
 */
final class T5Block {
    private final T5LayerSelfAttention selfAttention; // layer.0
    private final T5LayerCrossAttention crossAttention; // layer.1 in the decoder; null in the encoder
    private final T5LayerFF feedForward; // layer.1 in the encoder, layer.2 in the decoder

    private T5Block(T5LayerSelfAttention selfAttention, T5LayerCrossAttention crossAttention, T5LayerFF feedForward) {
        this.selfAttention = selfAttention;
        this.crossAttention = crossAttention;
        this.feedForward = feedForward;
    }

    /** Weights under {@code prefix} (ending in {@code block.<i>.}); {@code first}: block 0 of its stack. */
    static T5Block load(T5Weights w, String prefix, boolean first, boolean decoder) {
        T5LayerSelfAttention self = T5LayerSelfAttention.load(w, prefix + "layer.0.", first, !decoder);
        if (!decoder) {
            return new T5Block(self, null, T5LayerFF.load(w, prefix + "layer.1."));
        }
        return new T5Block(
                self, T5LayerCrossAttention.load(w, prefix + "layer.1."), T5LayerFF.load(w, prefix + "layer.2."));
    }

    /** An encoder block over the whole sequence. */
    NDArray forward(NDArray x, NDArray selfBias) {
        x = selfAttention.forward(x, selfBias);
        return feedForward.forward(x);
    }

    /** A decoder block over the whole decoder sequence (teacher forcing). */
    NDArray forward(NDArray x, NDArray selfBias, T5Attention.KeyValues encoder, NDArray crossBias) {
        x = selfAttention.forward(x, selfBias);
        x = crossAttention.forward(x, encoder, crossBias);
        return feedForward.forward(x);
    }

    /** A decoder block over one new position per row, with the cache of block {@code layer}. */
    NDArray forward(NDArray x, NDArray selfBias, EncoderDecoderCache cache, int layer) {
        x = selfAttention.forward(x, selfBias, cache, layer);
        x = crossAttention.forward(x, cache.cross(layer), cache.crossBias());
        return feedForward.forward(x);
    }

    T5Attention.KeyValues crossKeyValues(NDArray encoderOutput) {
        return crossAttention.keyValues(encoderOutput);
    }

    NDArray positionBias(NDManager manager, int firstQuery, int queries, int keys) {
        return selfAttention.positionBias(manager, firstQuery, queries, keys);
    }
}
