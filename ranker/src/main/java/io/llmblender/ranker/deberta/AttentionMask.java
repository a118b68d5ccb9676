package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;

/**
 * The padding mask of one batch in the shapes the attention needs. {@code null} arrays mean "no padding in
 * this batch", which lets a single unpadded sequence skip the masking work altogether.
 *
 * @param keys {@code [B, 1, 1, L]} floats added to the scores: 0 for a token, the float32 minimum for padding.
 *     Parity: adding the minimum to a score gives exactly the minimum (the score is far below its ulp), which is
 *     what XSoftmax's masked fill writes, so the softmax is the reference's bit for bit
 * @param queries {@code [B, 1, L, 1]} floats, 1 or 0: padding query rows get all-zero attention (XSoftmax)
 * @param tokens {@code [B, L, 1]} floats, 1 or 0: multiplies the embeddings
 */
public record AttentionMask(NDArray keys, NDArray queries, NDArray tokens) {
    /** A batch without padding. */
    public static final AttentionMask NONE = new AttentionMask(null, null, null);

    /**
     * From a {@code [B, L]} 0/1 mask, or {@link #NONE} if it has no zero.
     *
     * @param mask {@code [B, L]}, 1 for tokens and 0 for padding
     * @param hasPadding whether {@code mask} holds any zero (the caller knows without reading the array)
     * @return the three broadcast forms of the mask, in {@code mask}'s manager, or {@link #NONE}
     */
    public static AttentionMask of(NDArray mask, boolean hasPadding) {
        if (!hasPadding) {
            return NONE;
        }
        NDArray m = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray keyFill = m.mul(-1).add(1).mul(-Float.MAX_VALUE); // 1 -> 0, 0 -> min
        return new AttentionMask(
                keyFill.expandDims(1).expandDims(1), m.expandDims(1).expandDims(3), m.expandDims(2));
    }

    /**
     * Whether this is {@link #NONE}: the batch has no padding, so no masking is applied.
     *
     * @return true for a batch without padding
     */
    public boolean isNone() {
        return keys == null;
    }
}
