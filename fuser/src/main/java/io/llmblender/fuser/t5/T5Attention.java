package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.Linear;

/**
 * T5's multi-head attention (HF {@code T5Attention}): no bias on any projection and, Mesh-TF style, no
 * 1/sqrt(d) scaling of q·k (the scale lives in the weights). Only the first block of a stack owns the
 * relative-position bias table; the bias it computes, with the mask folded in, is reused by every block.
 * Legend: B batch, H heads, q/k query and key lengths, d head size. Immutable; thread-safe.
 */
final class T5Attention {
    /** Cached keys and values of one attention, {@code [B, H, T, d]} each. */
    record KeyValues(NDArray keys, NDArray values) {}

    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final NDArray relativeBias; // [buckets, H], null except in block 0
    private final int heads;
    private final int dKv;
    private final T5RelativePositions positions;
    private final boolean bidirectional;
    private final Kernel kernel; // where q·kᵀ and the weighted values run (fp32 or bf16, chosen at load)

    private T5Attention(
            Linear q,
            Linear k,
            Linear v,
            Linear o,
            NDArray relativeBias,
            T5Config c,
            boolean bidirectional,
            Kernel kernel) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.relativeBias = relativeBias;
        this.heads = c.numHeads();
        this.dKv = c.dKv();
        this.positions = new T5RelativePositions(c.numBuckets(), c.maxDistance());
        this.bidirectional = bidirectional;
        this.kernel = kernel;
    }

    /**
     * Weights under {@code prefix} (ending in {@code SelfAttention.} or {@code EncDecAttention.}); only the first
     * block's self-attention has the {@code relative_attention_bias} table.
     */
    static T5Attention load(T5Weights w, String prefix, boolean withBias, boolean bidirectional) {
        T5Config c = w.config();
        int inner = c.innerDim();
        return new T5Attention(
                w.linear(prefix + "q.weight", inner, c.dModel()),
                w.linear(prefix + "k.weight", inner, c.dModel()),
                w.linear(prefix + "v.weight", inner, c.dModel()),
                w.linear(prefix + "o.weight", c.dModel(), inner),
                withBias ? w.take(prefix + "relative_attention_bias.weight", c.numBuckets(), c.numHeads()) : null,
                c,
                bidirectional,
                w.kernel());
    }

    /**
     * The relative-position bias {@code [1, H, q, k]} for queries at positions {@code firstQuery ..
     * firstQuery+queries-1} over keys {@code 0 .. keys-1} (HF {@code compute_bias}).
     */
    NDArray positionBias(NDManager manager, int firstQuery, int queries, int keys) {
        long[] buckets = new long[queries * keys];
        for (int i = 0; i < queries; i++) {
            for (int j = 0; j < keys; j++) {
                buckets[i * keys + j] = positions.bucket(j - (firstQuery + i), bidirectional);
            }
        }
        NDArray table = ai.djl.nn.core.Embedding.embedding(
                        manager.create(buckets), relativeBias, ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow(); // [q·k, H], owned by this scope
        return table.reshape(queries, keys, heads).transpose(2, 0, 1).expandDims(0);
    }

    /** Projects {@code source} ({@code [B, T, d_model]}) to keys and values, split per head. */
    KeyValues keyValues(NDArray source) {
        return new KeyValues(split(k.apply(source)), split(v.apply(source)));
    }

    /**
     * @param x {@code [B, q, d_model]} queries' hidden states
     * @param kv keys and values to attend over ({@code [B, H, k, d]})
     * @param bias {@code [B or 1, H or 1, q, k]}: position bias plus mask ({@code finfo.min} where masked)
     */
    NDArray forward(NDArray x, KeyValues kv, NDArray bias) {
        Shape s = x.getShape();
        // queries, split per head: [B, H, q, d]
        NDArray query = split(q.apply(x));
        // kᵀ: an array op's result belongs to its first operand's manager, and cached keys outlive this call,
        // so the transposed view is moved to the caller's scope (a decoder step's) instead of piling up in theirs
        NDArray keysT = kv.keys().transpose(0, 1, 3, 2);
        keysT.attach(x.getManager());
        // scores q·kᵀ plus position bias and mask, with no 1/sqrt(d) in T5: [B, H, q, k]
        NDArray scores = kernel.matMul(query, keysT).add(bias);
        // attention-weighted values: [B, H, q, d]
        NDArray context = kernel.matMul(scores.softmax(-1), kv.values());
        // heads concatenated again, then the output projection: [B, q, d_model]
        return o.apply(context.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), (long) heads * dKv));
    }

    private NDArray split(NDArray projected) {
        Shape s = projected.getShape();
        return projected.reshape(s.get(0), s.get(1), heads, dKv).transpose(0, 2, 1, 3);
    }
}
