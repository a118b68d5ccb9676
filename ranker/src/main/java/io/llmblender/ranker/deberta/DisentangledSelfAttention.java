package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.Linear;

/**
 * DeBERTa's disentangled self-attention (He et al., 2021, eqs. 2–4; HF {@code DisentangledSelfAttention}):
 * content-to-content plus content-to-position (c2p) and position-to-content (p2c) scores over log-bucketed
 * relative positions.
 *
 * <p>Legend: B batch, N heads, L tokens, d head size, k attention span (the relative table has 2k rows),
 * H hidden size. Three changes of the reference's order of work make it fast; none changes the math:
 * <ul>
 *   <li>query, key and value are one fused projection;</li>
 *   <li>the position projections {@code query_proj(R)} and {@code key_proj(R)} do not depend on the input,
 *       so they are computed once, when the model loads, already split per head and transposed;</li>
 *   <li>c2p and p2c are one batched matmul each, followed by a gather (no loops over heads or positions).</li>
 * </ul>
 * Immutable after loading; thread-safe.
 */
final class DisentangledSelfAttention {
    private final int heads;
    private final int headSize;
    private final float scale;
    private final Linear qkv; // [3·N·d, H]: query_proj, key_proj, value_proj stacked
    private final NDArray posKeyT; // [N, d, 2k] = key_proj(R) per head, transposed; null without c2p
    private final NDArray posQueryScaled; // [N, 2k, d] = query_proj(R) / scale per head; null without p2c
    private final Kernel kernel; // where the products run (fp32 or bf16, chosen at load)
    private final long blockElements; // target size of one query block's [B, N, Q, L] score term

    private DisentangledSelfAttention(
            int heads,
            int headSize,
            float scale,
            Linear qkv,
            NDArray posKeyT,
            NDArray posQueryScaled,
            Kernel kernel,
            long blockElements) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = scale;
        this.qkv = qkv;
        this.posKeyT = posKeyT;
        this.posQueryScaled = posQueryScaled;
        this.kernel = kernel;
        this.blockElements = blockElements;
    }

    /**
     * Takes the weights under {@code prefix} (ending in {@code attention.self.}) and precomputes the position
     * projections from {@code rel}, the relative embeddings after their LayerNorm ({@code [2k, H]}), in fp32,
     * before the fused projection is handed to {@code kernel}.
     */
    static DisentangledSelfAttention load(
            StateDict weights, String prefix, DebertaV2Config c, NDArray rel, Kernel kernel, long blockElements) {
        int hidden = c.hiddenSize();
        int all = c.allHeadSize();
        Linear query = linear(weights, prefix + "query_proj", all, hidden);
        Linear key = linear(weights, prefix + "key_proj", all, hidden);
        Linear value = linear(weights, prefix + "value_proj", all, hidden);
        // Parity (spec App. A): the scale is sqrt(d · (1 + #position terms)), computed in float32.
        int factor = 1 + (c.c2p() ? 1 : 0) + (c.p2c() ? 1 : 0);
        float scale = (float) Math.sqrt((float) c.attentionHeadSize() * factor);

        Linear posKey = c.shareAttKey() ? key : c.c2p() ? linear(weights, prefix + "pos_key_proj", all, hidden) : null;
        Linear posQuery =
                c.shareAttKey() ? query : c.p2c() ? linear(weights, prefix + "pos_query_proj", all, hidden) : null;
        int n = c.numAttentionHeads();
        int d = c.attentionHeadSize();
        NDManager owner = rel.getManager();
        NDArray posKeyT = null;
        NDArray posQueryScaled = null;
        // Intermediates live in a scratch scope; only the final, contiguous tables join the model's weights.
        try (NDManager scratch = owner.newSubManager()) {
            NDArray r = rel.duplicate();
            r.attach(scratch);
            if (c.c2p()) { // [2k, N·d] -> [N, d, 2k]
                posKeyT = posKey.apply(r).reshape(-1, n, d).transpose(1, 2, 0).duplicate();
                posKeyT.attach(owner);
            }
            if (c.p2c()) { // [2k, N·d] -> [N, 2k, d], pre-divided by the scale
                posQueryScaled = posQuery.apply(r)
                        .reshape(-1, n, d)
                        .transpose(1, 0, 2)
                        .div(scale)
                        .duplicate();
                posQueryScaled.attach(owner);
            }
        }
        Linear fused = kernel.linear(
                NDArrays.concat(new NDList(query.weight(), key.weight(), value.weight()), 0),
                NDArrays.concat(new NDList(query.bias(), key.bias(), value.bias()), 0));
        // The separate projections are no longer needed; release them (for mapped weights, their pages).
        for (Linear unused : new Linear[] {query, key, value}) {
            unused.weight().close();
            unused.bias().close();
        }
        return new DisentangledSelfAttention(n, d, scale, fused, posKeyT, posQueryScaled, kernel, blockElements);
    }

    private static Linear linear(StateDict weights, String name, int out, int in) {
        return new Linear(weights.take(name + ".weight", out, in), weights.take(name + ".bias", out));
    }

    /**
     * @param x {@code [B, L, H]} hidden states, owned by the forward pass's manager
     * @param index {@code [L, L]} relative-embedding row per (query, key), see {@link RelativePositions}
     * @return the attention context {@code [B, L, N·d]}, before the output projection
     */
    NDArray forward(NDArray x, NDArray index, AttentionMask mask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);

        // Q, K, V in one projection, split per head: [B, L, 3, N, d] -> three [B, N, L, d] views.
        NDArray qkvHeads = qkv.apply(x).reshape(b, l, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
        NDArray q = qkvHeads.get(0).div(scale); // the reference divides each score by the scale; same math
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDArray kT = k.transpose(0, 1, 3, 2); // [B, N, d, L]

        // p2c's table does not depend on the query: posQ·Kᵀ once, every query block picks from it. [B, N, 2k, L]
        NDArray p2cAll = posQueryScaled == null ? null : kernel.matMul(posQueryScaled, kT);
        // Queries in blocks: each block's [B, N, Q, L] score terms stay within a few MiB, so the gathers, the
        // softmax and the adds work in cache instead of streaming [B, N, L, L] arrays through memory, and a
        // long row never holds all of them at once (at L = 2048 each full term would be 256 MiB).
        long rows = queryBlock(b, l);
        NDList context = new NDList();
        for (long i0 = 0; i0 < l; i0 += rows) {
            long i1 = Math.min(l, i0 + rows);
            context.add(attend(q, kT, v, p2cAll, index, mask, i0, i1));
        }
        if (p2cAll != null) {
            p2cAll.close();
        }
        NDArray ctx = context.size() == 1 ? context.get(0) : NDArrays.concat(context, 2); //  [B, N, L, d]
        // Heads concatenated back.                                                         [B, L, N·d]
        return ctx.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * headSize);
    }

    /** Query rows per block: as many as keep one [B, N, Q, L] term near the block size, at least 16. */
    long queryBlock(long b, long l) {
        long rows = blockElements / (b * heads * l);
        return rows >= l ? l : Math.max(16, rows / 16 * 16);
    }

    /**
     * Attention of queries {@code [i0, i1)} to every key: the context rows {@code [B, N, Q, d]}. Intermediates are
     * closed as soon as they are used.
     */
    private NDArray attend(
            NDArray q, NDArray kT, NDArray v, NDArray p2cAll, NDArray index, AttentionMask mask, long i0, long i1) {
        boolean whole = i0 == 0 && i1 == q.getShape().get(2);
        Shape qs = q.getShape();
        Shape block = new Shape(qs.get(0), qs.get(1), i1 - i0, kT.getShape().get(3));
        // A single block uses the whole arrays; several use views of their rows, closed after the block.
        NDArray qb = whole ? q : q.get(new NDIndex(":, :, {}:{}, :", i0, i1));
        NDArray rel = whole ? index : index.get(new NDIndex("{}:{}", i0, i1));
        try (NDArray at = rel.broadcast(block)) {
            // Content-to-content: Q·Kᵀ / scale.                                              [B, N, Q, L]
            // The score terms are summed in place into this fresh array, each term freed as soon as it is added.
            NDArray scores = kernel.matMul(qb, kT);
            if (posKeyT != null) {
                // c2p[i][j] = q_i · posK[idx(i, j)]: all 2k positions per query, then pick by index. [B, N, Q, 2k]
                try (NDArray c2pAll = kernel.matMul(qb, posKeyT);
                        NDArray c2p = c2pAll.gather(at, -1)) {
                    scores.addi(c2p);
                }
            }
            if (p2cAll != null) {
                // p2c[i][j] = k_j · posQ[idx(i, j)]: rows of posQ·Kᵀ picked along the position axis.
                try (NDArray p2c = p2cAll.gather(at, -2)) {
                    scores.addi(p2c);
                }
            }
            // XSoftmax: masked keys get the float32 minimum before the softmax; padding query rows become all-zero.
            if (!mask.isNone()) {
                scores.addi(mask.keys());
            }
            NDArray probs = scores.softmax(-1);
            scores.close();
            if (!mask.isNone()) {
                NDArray rowsMask = whole ? mask.queries() : mask.queries().get(new NDIndex(":, :, {}:{}, :", i0, i1));
                probs.muli(rowsMask);
                if (!whole) {
                    rowsMask.close();
                }
            }
            // Context: probs·V.                                                              [B, N, Q, d]
            try (probs) {
                return kernel.matMul(probs, v);
            }
        } finally {
            if (!whole) {
                qb.close();
                rel.close();
            }
        }
    }
}
