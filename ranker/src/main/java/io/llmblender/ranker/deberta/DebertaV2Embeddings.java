package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.nn.LayerNorm;

/**
 * DeBERTa-v3's input embeddings (HF {@code DebertaV2Embeddings}): word embeddings, LayerNorm, then each
 * position multiplied by its mask value. No absolute positions and no token types (v3 uses relative positions
 * only). Immutable after loading; thread-safe.
 */
final class DebertaV2Embeddings {
    private final NDArray wordEmbeddings; // [vocab, H]
    private final LayerNorm norm;

    private DebertaV2Embeddings(NDArray wordEmbeddings, LayerNorm norm) {
        this.wordEmbeddings = wordEmbeddings;
        this.norm = norm;
    }

    static DebertaV2Embeddings load(StateDict weights, String prefix, DebertaV2Config c) {
        int h = c.hiddenSize();
        return new DebertaV2Embeddings(
                weights.take(prefix + "word_embeddings.weight", c.vocabSize(), h),
                new LayerNorm(
                        weights.take(prefix + "LayerNorm.weight", h),
                        weights.take(prefix + "LayerNorm.bias", h),
                        c.layerNormEps()));
    }

    /**
     * @param ids {@code [B, L]} int64 token ids, owned by the forward pass's manager
     * @return {@code [B, L, H]}
     */
    NDArray forward(NDArray ids, AttentionMask mask) {
        NDArray x = norm.apply(
                Embedding.embedding(ids, wordEmbeddings, SparseFormat.DENSE).singletonOrThrow());
        // Padding positions are zeroed before the first layer (HF multiplies by the mask).
        return mask.isNone() ? x : x.mul(mask.tokens());
    }
}
