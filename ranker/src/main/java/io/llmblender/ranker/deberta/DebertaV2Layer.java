package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.LayerNorm;
import io.llmblender.runtime.nn.Linear;

/**
 * One post-LayerNorm transformer block of DeBERTa (HF {@code DebertaV2Layer} = {@code DebertaV2Attention} +
 * {@code DebertaV2Intermediate} + {@code DebertaV2Output}). Immutable after loading; thread-safe.
 */
final class DebertaV2Layer {
    /** Tokens per feed-forward chunk: as many as the projections still run at full speed on (measured). */
    static final long FEED_FORWARD_ROWS = 512;

    private final DisentangledSelfAttention attention;
    private final Linear attentionOutput; // attention.output.dense
    private final LayerNorm attentionNorm; // attention.output.LayerNorm
    private final Linear intermediate; // intermediate.dense, H -> FF
    private final Linear output; // output.dense, FF -> H
    private final LayerNorm outputNorm; // output.LayerNorm

    private DebertaV2Layer(
            DisentangledSelfAttention attention,
            Linear attentionOutput,
            LayerNorm attentionNorm,
            Linear intermediate,
            Linear output,
            LayerNorm outputNorm) {
        this.attention = attention;
        this.attentionOutput = attentionOutput;
        this.attentionNorm = attentionNorm;
        this.intermediate = intermediate;
        this.output = output;
        this.outputNorm = outputNorm;
    }

    /** Takes the weights under {@code prefix} (ending in {@code layer.<i>.}); {@code rel} as for the attention. */
    static DebertaV2Layer load(
            StateDict w, String prefix, DebertaV2Config c, NDArray rel, Kernel kernel, long blockElements) {
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        float eps = c.layerNormEps();
        return new DebertaV2Layer(
                DisentangledSelfAttention.load(w, prefix + "attention.self.", c, rel, kernel, blockElements),
                kernel.linear(
                        w.take(prefix + "attention.output.dense.weight", h, c.allHeadSize()),
                        w.take(prefix + "attention.output.dense.bias", h)),
                new LayerNorm(
                        w.take(prefix + "attention.output.LayerNorm.weight", h),
                        w.take(prefix + "attention.output.LayerNorm.bias", h),
                        eps),
                kernel.linear(
                        w.take(prefix + "intermediate.dense.weight", ff, h),
                        w.take(prefix + "intermediate.dense.bias", ff)),
                kernel.linear(w.take(prefix + "output.dense.weight", h, ff), w.take(prefix + "output.dense.bias", h)),
                new LayerNorm(
                        w.take(prefix + "output.LayerNorm.weight", h),
                        w.take(prefix + "output.LayerNorm.bias", h),
                        eps));
    }

    /** {@code [B, L, H]} -> {@code [B, L, H]}. */
    NDArray forward(NDArray x, RelativePositions.Tables index, AttentionMask mask) {
        // a = LayerNorm(Attention(x)·Woᵀ + bo + x)
        NDArray a = attentionNorm.apply(
                attentionOutput.apply(attention.forward(x, index, mask)).add(x));
        // y = LayerNorm(FFN(a) + a)
        return outputNorm.apply(feedForward(a).add(a));
    }

    /**
     * FFN(a) = GELU(a·W1ᵀ + b1)·W2ᵀ + b2, GELU in its exact erf form, over {@value #FEED_FORWARD_ROWS} tokens at a
     * time (HF's {@code apply_chunking_to_forward}): each token's FFN is independent of the others, and a chunk's
     * {@code [rows, FF]} intermediate stays in cache, where a whole batch's (32 MiB at B·L = 2048) streams through
     * memory twice, once written by the product and once read by the GELU.
     */
    private NDArray feedForward(NDArray a) {
        Shape s = a.getShape();
        long tokens = s.get(0) * s.get(1);
        if (tokens <= FEED_FORWARD_ROWS) {
            return output.apply(Activation.gelu(intermediate.apply(a)));
        }
        NDArray rows = a.reshape(tokens, s.get(2));
        NDList chunks = new NDList();
        for (long r0 = 0; r0 < tokens; r0 += FEED_FORWARD_ROWS) {
            try (NDArray chunk = rows.get(new NDIndex("{}:{}", r0, Math.min(tokens, r0 + FEED_FORWARD_ROWS)));
                    NDArray hidden = intermediate.apply(chunk);
                    NDArray activated = Activation.gelu(hidden)) {
                chunks.add(output.apply(activated));
            }
        }
        try (chunks) {
            return NDArrays.concat(chunks, 0).reshape(s);
        }
    }
}
