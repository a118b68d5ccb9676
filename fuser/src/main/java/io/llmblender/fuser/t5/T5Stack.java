package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stack of T5 blocks (HF {@code T5Stack}), the encoder or the decoder: token embedding (the model's shared
 * table), the blocks, a final layer norm. The relative-position bias is computed once per pass by block 0 and,
 * with the mask folded in, reused by every block. Legend: B batch, H heads, L encoder length, t decoder length.
 * Immutable; thread-safe.
 */
final class T5Stack {
    private final NDArray embedTokens; // [vocab, d_model], the model's shared embedding
    private final List<T5Block> blocks;
    private final T5LayerNorm finalLayerNorm;

    private T5Stack(NDArray embedTokens, List<T5Block> blocks, T5LayerNorm finalLayerNorm) {
        this.embedTokens = embedTokens;
        this.blocks = List.copyOf(blocks);
        this.finalLayerNorm = finalLayerNorm;
    }

    /** Weights under {@code prefix} ({@code encoder.} or {@code decoder.}); {@code shared} is the embedding. */
    static T5Stack load(T5Weights w, String prefix, NDArray shared, boolean decoder) {
        int layers = decoder ? w.config().numDecoderLayers() : w.config().numLayers();
        // shared.weight serves both stacks; checkpoints may also store the embed_tokens alias
        w.dict().ignore(prefix + "embed_tokens.weight");
        List<T5Block> blocks = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            blocks.add(T5Block.load(w, prefix + "block." + i + ".", i == 0, decoder));
        }
        return new T5Stack(shared, blocks, w.layerNorm(prefix + "final_layer_norm.weight"));
    }

    /** The encoder: {@code [B, L]} ids and 0/1 mask → {@code [B, L, d_model]}. The mask acts on keys only. */
    NDArray encode(NDManager m, NDArray ids, NDArray mask) {
        int l = (int) ids.getShape().get(1);
        // position bias plus padding mask, [B, H, L, L]: computed once, used by every block
        NDArray bias = blocks.get(0).positionBias(m, 0, l, l).add(keyMask(mask));
        NDArray x = embed(ids);
        for (T5Block block : blocks) {
            // one scope per block: its intermediates (and its input) are freed once its output exists, so the
            // pass holds one block's working set, and a decode keeps none of them
            try (NDManager layer = m.newSubManager()) {
                x.attach(layer);
                NDArray y = block.forward(x, bias);
                y.attach(m);
                x = y;
            }
        }
        return finalLayerNorm.forward(x);
    }

    /**
     * The decoder over whole sequences (teacher forcing): causal self-attention (times {@code decoderMask} if
     * given), cross-attention over {@code encoderOutput} with {@code encoderMask}. Returns {@code [B, t, d_model]}.
     */
    NDArray decode(NDManager m, NDArray ids, NDArray decoderMask, NDArray encoderOutput, NDArray encoderMask) {
        int t = (int) ids.getShape().get(1);
        // causal × decoder padding, on [B, 1, t, t]
        NDArray selfMask = causal(m, t).expandDims(0).expandDims(0);
        if (decoderMask != null) {
            selfMask = selfMask.mul(
                    decoderMask.toType(DataType.FLOAT32, false).expandDims(1).expandDims(1));
        }
        NDArray selfBias = blocks.get(0).positionBias(m, 0, t, t).add(maskBias(selfMask));
        NDArray crossBias = keyMask(encoderMask);
        NDArray x = embed(ids);
        for (T5Block block : blocks) {
            x = block.forward(x, selfBias, block.crossKeyValues(encoderOutput), crossBias);
        }
        return finalLayerNorm.forward(x);
    }

    /**
     * A cache for decoding {@code beams} rows per input over {@code encoderOutput} ({@code [inputs, L,
     * d_model]}): each block's cross-attention keys and values, computed once per input and kept in
     * {@code scope}, and room for {@code capacity} tokens of self-attention keys and values.
     */
    EncoderDecoderCache cache(NDManager scope, int beams, int capacity, NDArray encoderOutput, NDArray encoderMask) {
        List<T5Attention.KeyValues> cross = new ArrayList<>();
        for (T5Block block : blocks) {
            cross.add(block.crossKeyValues(encoderOutput));
        }
        return new EncoderDecoderCache(scope, beams, capacity, cross, keyMask(encoderMask));
    }

    /** The decoder over one new token per row at the cache's next position → {@code [rows, 1, d_model]}. */
    NDArray step(NDManager s, long[] tokens, EncoderDecoderCache cache) {
        int past = cache.length();
        NDArray x = embed(s.create(tokens, new Shape(tokens.length, 1)));
        // the new position's bias over itself and every earlier one; nothing later exists, so no causal mask
        NDArray selfBias = blocks.get(0).positionBias(s, past, 1, past + 1);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, selfBias, cache, i);
        }
        cache.advance();
        return finalLayerNorm.forward(x);
    }

    int layers() {
        return blocks.size();
    }

    private NDArray embed(NDArray ids) {
        return Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    }

    /** A {@code [B, L]} 0/1 key mask as an additive bias {@code [B, 1, 1, L]}, broadcast over heads and queries. */
    private static NDArray keyMask(NDArray mask) {
        return maskBias(mask).expandDims(1).expandDims(1);
    }

    /** Additive mask {@code (1 − m)·finfo(float32).min} for a 0/1 mask of any shape. */
    private static NDArray maskBias(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE);
    }

    /** The {@code [t, t]} lower-triangular 0/1 mask: query i sees keys 0..i. */
    private static NDArray causal(NDManager m, int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            Arrays.fill(mask, i * t, i * t + i + 1, 1f);
        }
        return m.create(mask, new Shape(t, t));
    }
}
