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
    private final NDArray posQueryT; // [N, d, 2k] = query_proj(R) / scale per head, transposed; null without p2c
    private final Kernel kernel; // where the products run (fp32 or bf16, chosen at load)
    private final long blockElements; // target size of one query block's [B, N, Q, L] score term

    private DisentangledSelfAttention(
            int heads,
            int headSize,
            float scale,
            Linear qkv,
            NDArray posKeyT,
            NDArray posQueryT,
            Kernel kernel,
            long blockElements) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = scale;
        this.qkv = qkv;
        this.posKeyT = posKeyT;
        this.posQueryT = posQueryT;
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
        NDArray posQueryT = null;
        // Intermediates live in a scratch scope; only the final, contiguous tables join the model's weights.
        try (NDManager scratch = owner.newSubManager()) {
            NDArray r = rel.duplicate();
            r.attach(scratch);
            if (c.c2p()) { // [2k, N·d] -> [N, d, 2k]
                posKeyT = posKey.apply(r).reshape(-1, n, d).transpose(1, 2, 0).duplicate();
                posKeyT.attach(owner);
            }
            if (c.p2c()) { // [2k, N·d] -> [N, d, 2k], pre-divided by the scale
                posQueryT = posQuery.apply(r)
                        .reshape(-1, n, d)
                        .transpose(1, 2, 0)
                        .div(scale)
                        .duplicate();
                posQueryT.attach(owner);
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
        return new DisentangledSelfAttention(n, d, scale, fused, posKeyT, posQueryT, kernel, blockElements);
    }

    private static Linear linear(StateDict weights, String name, int out, int in) {
        return new Linear(weights.take(name + ".weight", out, in), weights.take(name + ".bias", out));
    }

    /**
     * @param x {@code [B, L, H]} hidden states, owned by the forward pass's manager
     * @param index {@code [L', L']} relative-embedding row per (query, key), see {@link RelativePositions}, for
     *     the longest row {@code L'}
     * @param mask the batch's padding, or its packed rows: each then attends only within itself
     * @return the attention context {@code [B, L, N·d]}, before the output projection
     */
    NDArray forward(NDArray x, NDArray index, AttentionMask mask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);

        // Q, K, V in one projection, split per head: [B, L, 3, N, d] -> three [B, N, L, d] views.
        // The reshape through [3·B·N, L, d] cannot be a view of the transposed array, so it makes one contiguous
        // copy: batched matmuls then see [B, N] as one batch axis and read q, k and v in place, where a strided
        // view made every query block's product copy its operands first (a quarter of the matmul time at B = 4).
        NDArray qkvHeads = qkv.apply(x)
                .reshape(b, l, 3, heads, headSize)
                .transpose(2, 0, 3, 1, 4)
                .reshape(3 * b * heads, l, headSize)
                .reshape(3, b, heads, l, headSize);
        NDArray q = qkvHeads.get(0).div(scale); // the reference divides each score by the scale; same math
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDArray ctx; //                                                                     [B, N, L, d]
        if (!mask.isPacked()) {
            ctx = attention(q, k, v, index, mask);
        } else {
            // Packed rows: each row's tokens attend over its own tokens only, as if it were alone in the batch.
            NDList rows = new NDList();
            long start = 0;
            for (long n : mask.segments()) {
                NDIndex tokens = new NDIndex(":, :, {}:{}, :", start, start + n);
                try (NDArray qr = q.get(tokens);
                        NDArray kr = k.get(tokens);
                        NDArray vr = v.get(tokens);
                        NDArray ir = index.get(new NDIndex(":{}, :{}", n, n))) {
                    rows.add(attention(qr, kr, vr, ir, AttentionMask.NONE));
                }
                start += n;
            }
            if (rows.size() == 1) {
                ctx = rows.get(0);
            } else {
                try (rows) {
                    ctx = NDArrays.concat(rows, 2);
                }
            }
        }
        // Heads concatenated back.                                                         [B, L, N·d]
        return ctx.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * headSize);
    }

    /**
     * Attention of {@code q} over {@code k} and {@code v} (each {@code [B, N, L, d]}, q already scaled) with the
     * relative positions {@code index} ({@code [L, L]}): the context {@code [B, N, L, d]}.
     */
    private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray index, AttentionMask mask) {
        long b = q.getShape().get(0);
        long l = q.getShape().get(2);
        NDArray kT = k.transpose(0, 1, 3, 2); // [B, N, d, L]
        // p2c's table does not depend on the query: K·posQᵀ once, every query block picks from it.  [B, N, L, 2k]
        // (HF's p2c_att: kept with the positions last, so the gather reads along rows, as c2p's does.)
        NDArray p2cAll = posQueryT == null ? null : perHead(k, posQueryT);
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
        kT.close();
        if (context.size() == 1) {
            return context.get(0);
        }
        try (context) {
            return NDArrays.concat(context, 2);
        }
    }

    /** Query rows per block: as many as keep one [B, N, Q, L] term near the block size, at least 16. */
    long queryBlock(long b, long l) {
        long rows = blockElements / (b * heads * l);
        return rows >= l ? l : Math.max(16, rows / 16 * 16);
    }

    /**
     * {@code x·table} per head for every relative position: {@code x} is {@code [B, N, R, d]}, {@code table}
     * {@code [N, d, 2k]}, the result {@code [B, N, R, 2k]}. One product per head over all the batch's rows, because
     * broadcasting the table over the batch makes matmul copy it B times.
     */
    private NDArray perHead(NDArray x, NDArray table) {
        Shape s = x.getShape();
        if (s.get(0) == 1) {
            return kernel.matMul(x, table);
        }
        try (NDArray rows = x.transpose(1, 0, 2, 3).reshape(heads, s.get(0) * s.get(2), headSize);
                NDArray product = kernel.matMul(rows, table)) { //                         [N, B·R, 2k]
            return product.reshape(heads, s.get(0), s.get(2), -1).transpose(1, 0, 2, 3);
        }
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
                try (NDArray c2pAll = perHead(qb, posKeyT);
                        NDArray c2p = c2pAll.gather(at, -1)) {
                    scores.addi(c2p);
                }
            }
            if (p2cAll != null) {
                // p2c[i][j] = k_j · posQ[idx(i, j)]: key j's row of K·posQᵀ, picked at idx(i, j), gathered as
                // p2cᵀ (one row per key) and added transposed.                                [B, N, L, Q]
                Shape keysFirst = new Shape(block.get(0), block.get(1), block.get(3), block.get(2));
                try (NDArray relT = rel.transpose();
                        NDArray atT = relT.broadcast(keysFirst);
                        NDArray p2cT = p2cAll.gather(atT, -1);
                        NDArray p2c = p2cT.transpose(0, 1, 3, 2)) {
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
