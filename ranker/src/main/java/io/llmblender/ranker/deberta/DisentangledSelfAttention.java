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
 * H hidden size. Four changes of the reference's order of work make it fast; none changes the math:
 * <ul>
 *   <li>query, key and value are one fused projection;</li>
 *   <li>the position projections {@code query_proj(R)} and {@code key_proj(R)} do not depend on the input,
 *       so they are computed once, when the model loads, already split per head in the layout their products read;</li>
 *   <li>c2p and p2c are a matmul over all 2k positions followed by a gather, never a loop over positions;</li>
 *   <li>the two position terms (and the padding) are the bias of the kernel's attention ({@link Kernel#attention});
 *       the fp32 kernel fuses it, so there the content scores and the softmax are never written out.</li>
 * </ul>
 * The work runs per row, in blocks of its heads and some of its queries (at most 64 Ki query–key pairs, so from
 * 257 tokens on a row's queries are split), so that a block's index slice stays in L2, its terms in cache, and a
 * pass never holds every head's {@code [L, L]} at once.
 * Immutable after loading; thread-safe.
 */
final class DisentangledSelfAttention {
    private final int heads;
    private final int headSize;
    private final float scale;
    private final Linear qkv; // [3·N·d, H]: query_proj, key_proj, value_proj stacked
    private final NDArray posKeyT; // [N, d, 2k] = key_proj(R) per head, transposed; null without c2p
    private final NDArray posQuery; // [N, 2k, d] = query_proj(R) / scale per head; null without p2c
    private final Kernel kernel; // where the products run (fp32 or bf16, chosen at load)
    private final long blockElements; // target size of one block's [g, Q, L] score term

    /** Entries of an index slice per block (512 KiB of int64: half of an L2 cache on current x86 cores). */
    static final long INDEX_ELEMENTS = 1L << 16;

    private DisentangledSelfAttention(
            int heads,
            int headSize,
            float scale,
            Linear qkv,
            NDArray posKeyT,
            NDArray posQuery,
            Kernel kernel,
            long blockElements) {
        this.heads = heads;
        this.headSize = headSize;
        this.scale = scale;
        this.qkv = qkv;
        this.posKeyT = posKeyT;
        this.posQuery = posQuery;
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
        Linear posQueryProj =
                c.shareAttKey() ? query : c.p2c() ? linear(weights, prefix + "pos_query_proj", all, hidden) : null;
        int n = c.numAttentionHeads();
        int d = c.attentionHeadSize();
        NDManager owner = rel.getManager();
        NDArray posKeyT = null;
        NDArray posQuery = null;
        // Intermediates live in a scratch scope; only the final, contiguous tables join the model's weights.
        try (NDManager scratch = owner.newSubManager()) {
            NDArray r = rel.duplicate();
            r.attach(scratch);
            if (c.c2p()) { // [2k, N·d] -> [N, d, 2k]
                posKeyT = posKey.apply(r).reshape(-1, n, d).transpose(1, 2, 0).duplicate();
                posKeyT.attach(owner);
            }
            if (c.p2c()) { // [2k, N·d] -> [N, 2k, d], pre-divided by the scale; the reshape through [N·2k, d]
                // of the transposed view must copy, so each head's [2k, d] is one contiguous matrix
                posQuery = posQueryProj
                        .apply(r)
                        .reshape(-1, n, d)
                        .transpose(1, 0, 2)
                        .reshape(-1, d)
                        .reshape(n, -1, d)
                        .div(scale);
                posQuery.attach(owner);
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
        return new DisentangledSelfAttention(n, d, scale, fused, posKeyT, posQuery, kernel, blockElements);
    }

    private static Linear linear(StateDict weights, String name, int out, int in) {
        return new Linear(weights.take(name + ".weight", out, in), weights.take(name + ".bias", out));
    }

    /**
     * @param x {@code [B, L, H]} hidden states, owned by the forward pass's manager
     * @param positions the pass's relative positions (see {@link RelativePositions#tables}), for its longest row
     * @param mask the batch's padding, or its packed rows: each then attends only within itself
     * @return the attention context {@code [B, L, N·d]}, before the output projection
     */
    NDArray forward(NDArray x, RelativePositions.Tables positions, AttentionMask mask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);

        // Q, K, V in one projection, split per head: [B, L, 3, N, d] -> three [B, N, L, d] views.
        // The reshape through [3·B·N, L, d] cannot be a view of the transposed array, so it makes one contiguous
        // copy: every head's q, k and v are then contiguous [L, d] matrices that the products read in place.
        NDArray qkvHeads = qkv.apply(x)
                .reshape(b, l, 3, heads, headSize)
                .transpose(2, 0, 3, 1, 4)
                .reshape(3 * b * heads, l, headSize)
                .reshape(3, b, heads, l, headSize);
        NDArray q = qkvHeads.get(0).div(scale); // the reference divides each score by the scale; same math
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDList rows = new NDList(); //                                           per row: [1, N, L, d]
        if (!mask.isPacked()) {
            for (long r = 0; r < b; r++) {
                rows.add(row(q, k, v, positions, mask, new NDIndex("{}:{}", r, r + 1), r));
            }
        } else {
            // Packed rows: each row's tokens attend over its own tokens only, as if it were alone in the batch.
            long start = 0;
            for (long n : mask.segments()) {
                rows.add(row(
                        q, k, v, positions, AttentionMask.NONE, new NDIndex(":, :, {}:{}, :", start, start + n), 0));
                start += n;
            }
        }
        NDArray ctx = concat(rows, mask.isPacked() ? 2 : 0); //                               [B, N, L, d]
        // Heads concatenated back.                                                         [B, L, N·d]
        return ctx.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * headSize);
    }

    /**
     * The attention of one row ({@code tokens} selects it from q, k, v; it is row {@code r} of {@code mask}): its
     * context {@code [1, N, n, d]}.
     */
    private NDArray row(
            NDArray q,
            NDArray k,
            NDArray v,
            RelativePositions.Tables positions,
            AttentionMask mask,
            NDIndex tokens,
            long r) {
        try (NDArray qr = q.get(tokens);
                NDArray kr = k.get(tokens);
                NDArray vr = v.get(tokens)) {
            long n = qr.getShape().get(2);
            long rows = queryRows(n);
            long group = headGroup(rows, n);
            NDList groups = new NDList();
            for (long h0 = 0; h0 < heads; h0 += group) {
                long h1 = Math.min(heads, h0 + group);
                groups.add(heads(qr, kr, vr, positions, mask, r, h0, h1, rows));
            }
            return concat(groups, 1);
        }
    }

    /** Heads {@code [h0, h1)} of one row ({@code [1, N, n, d]} each): their context, {@code rows} queries at a time. */
    private NDArray heads(
            NDArray q,
            NDArray k,
            NDArray v,
            RelativePositions.Tables positions,
            AttentionMask mask,
            long r,
            long h0,
            long h1,
            long rows) {
        NDIndex group = new NDIndex(":, {}:{}", h0, h1);
        long n = q.getShape().get(2);
        // This row's masks ([1, 1, 1, n], [1, 1, n, 1]: only padded batches have masks, and their rows all have
        // n = L tokens) and its positions, the top-left [n, n] of the pass's tables (a packed row may be shorter).
        NDIndex row = new NDIndex("{}:{}", r, r + 1);
        try (NDArray qh = q.get(group);
                NDArray kh = k.get(group);
                NDArray vh = v.get(group);
                NDArray keys = mask.isNone() ? null : mask.keys().get(row);
                NDArray queries = mask.isNone() ? null : mask.queries().get(row);
                NDArray index = positions.index().get(new NDIndex(":{}, :{}", n, n));
                NDArray p2cIndex = posQuery == null ? null : positions.p2c(n);
                // p2c's table does not depend on the query: posQ·Kᵀ once, every query block picks from it,
                // flattened per head so that one gather picks key j's entry for every query.   [1, g, 1, 2k·n]
                NDArray p2cAll = posQuery == null ? null : positionsByKeys(kh, h0, h1);
                NDArray p2cFlat = p2cAll == null ? null : p2cAll.reshape(1, h1 - h0, 1, -1)) {
            NDList blocks = new NDList();
            for (long i0 = 0; i0 < n; i0 += rows) {
                long i1 = Math.min(n, i0 + rows);
                blocks.add(block(qh, kh, vh, p2cFlat, index, p2cIndex, keys, queries, h0, h1, i0, i1));
            }
            return concat(blocks, 2);
        }
    }

    /**
     * Queries {@code [i0, i1)} of heads {@code [h0, h1)}: the content attention softmax(Q·Kᵀ/scale + bias)·V with the
     * disentangled position scores (c2p + p2c, eqs. 2–4) and the padding as its bias, computed by the kernel.
     * Returns {@code [1, g, Q, d]}.
     */
    private NDArray block(
            NDArray q,
            NDArray k,
            NDArray v,
            NDArray p2cFlat,
            NDArray index,
            NDArray p2cIndex,
            NDArray keys,
            NDArray queries,
            long h0,
            long h1,
            long i0,
            long i1) {
        NDIndex queryRows = new NDIndex(":, :, {}:{}", i0, i1);
        NDArray context;
        try (NDArray qb = q.get(queryRows);
                NDArray bias = bias(qb, p2cFlat, index, p2cIndex, keys, h0, h1, i0, i1)) {
            context = kernel.attention(qb, k, v, bias); //                                       [1, g, Q, d]
        }
        if (queries != null) { // XSoftmax: padding query rows attend to nothing
            try (NDArray rowsMask = queries.get(queryRows)) {
                context.muli(rowsMask);
            }
        }
        return context;
    }

    /**
     * The block's score terms besides Q·Kᵀ, summed in place into the first one, each later term freed as soon as it
     * is added: {@code [1, g, Q, n]}, or a single zero if the model has none and the row no padding.
     */
    private NDArray bias(
            NDArray qb,
            NDArray p2cFlat,
            NDArray index,
            NDArray p2cIndex,
            NDArray keys,
            long h0,
            long h1,
            long i0,
            long i1) {
        Shape block = new Shape(1, h1 - h0, i1 - i0, index.getShape().get(1));
        NDIndex queryRows = new NDIndex("{}:{}", i0, i1);
        NDArray bias = null;
        if (posKeyT != null) {
            // c2p[i][j] = q_i · posK[idx(i, j)]: all 2k positions per query, then pick by index.    [1, g, Q, 2k]
            try (NDArray c2pAll = relative(qb, posKeyT, h0, h1);
                    NDArray rows = index.get(queryRows);
                    NDArray at = rows.broadcast(block)) {
                bias = c2pAll.gather(at, -1);
            }
        }
        if (p2cFlat != null) {
            // p2c[i][j] = k_j · posQ[idx(i, j)]: entry idx(i, j)·n + j of the flattened posQ·Kᵀ, picked for every
            // query straight into the scores' layout. In this position-major table a query's neighbouring keys
            // mostly share a log bucket, so the gather reads runs of adjacent entries; the key-major K·posQᵀ
            // puts every key 2k entries apart (the README's bench pairrm section has the profile: 93 against
            // 51 ms of gathers in 4 layers at 1,024 tokens). Gathering key-major and adding that transposed is
            // slower still: the add reads across rows.
            try (NDArray src = p2cFlat.broadcast(
                            block.get(0),
                            block.get(1),
                            block.get(2),
                            p2cFlat.getShape().get(3));
                    NDArray rows = p2cIndex.get(queryRows);
                    NDArray at = rows.broadcast(block)) {
                bias = sum(bias, src.gather(at, -1));
            }
        }
        // XSoftmax: masked keys get the float32 minimum before the softmax.
        if (keys != null) {
            bias = bias == null ? keys.duplicate() : bias.addi(keys);
        }
        // No term at all: a zero of the scores' rank (libtorch reads a mask's last two axes).
        return bias != null ? bias : qb.getManager().zeros(new Shape(1, 1, 1, 1));
    }

    /** {@code sum + term}, in place into {@code sum} when there is one; {@code term} is closed or returned. */
    private static NDArray sum(NDArray sum, NDArray term) {
        if (sum == null) {
            return term;
        }
        try (term) {
            return sum.addi(term);
        }
    }

    /**
     * Query rows per block: as many as keep the block's slice of an index ({@code [Q, n]} int64) within
     * {@value #INDEX_ELEMENTS} entries and its {@code [Q, n]} terms within the block size, at least 16. The gathers
     * read the index once per head, so it should stay in the core's L2 cache: measured at (1, 512), a gather of 16
     * heads over all 512 queries (a 2 MiB index) took 3× as long per element as one over 128.
     */
    long queryRows(long n) {
        long rows = Math.min(INDEX_ELEMENTS, blockElements) / n;
        return rows >= n ? n : Math.max(16, rows / 16 * 16);
    }

    /**
     * Heads per block of {@code rows} queries: as many as keep its {@code [g, Q, n]} terms within the block size, at
     * least one. The group's {@code [g, n, 2k]} p2c table is not counted: at PairRM's shapes it is 16 MiB at 512
     * tokens and 64 MiB at 2,048, and splitting the heads to bound it would shrink every product of a long row.
     */
    long headGroup(long rows, long n) {
        return Math.max(1, Math.min(heads, blockElements / (rows * n)));
    }

    /**
     * {@code x·table} for heads {@code [h0, h1)} and every relative position: {@code x} is {@code [1, g, R, d]},
     * {@code table} {@code [N, d, 2k]}, the result {@code [1, g, R, 2k]}.
     */
    private NDArray relative(NDArray x, NDArray table, long h0, long h1) {
        try (NDArray heads = table.get(new NDIndex("{}:{}", h0, h1))) {
            return kernel.matMul(x, heads);
        }
    }

    /**
     * {@code posQ·kᵀ} for heads {@code [h0, h1)}: {@code k} is {@code [1, g, n, d]}, the result {@code [1, g, 2k, n]},
     * one row per relative position.
     */
    private NDArray positionsByKeys(NDArray k, long h0, long h1) {
        try (NDArray heads = posQuery.get(new NDIndex("{}:{}", h0, h1));
                NDArray keysT = k.transpose(0, 1, 3, 2)) {
            return kernel.matMul(heads, keysT);
        }
    }

    /** The parts along {@code axis}, the list closed after; a single part is returned as it is. */
    private static NDArray concat(NDList parts, int axis) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        try (parts) {
            return NDArrays.concat(parts, axis);
        }
    }
}
