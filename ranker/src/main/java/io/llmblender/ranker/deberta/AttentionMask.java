package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * How the rows of one batch are laid out, in the shapes the attention needs: padded to a common length (with a
 * mask), or packed one after another along the token axis (with their lengths). {@code null} arrays mean "no
 * padding in this batch", which lets a single unpadded sequence, or a packed batch, skip the masking work.
 *
 * @param keys {@code [B, 1, 1, L]} floats added to the scores: 0 for a token, the float32 minimum for padding.
 *     Parity: adding the minimum to a score gives exactly the minimum (the score is far below its ulp), which is
 *     what XSoftmax's masked fill writes, so the softmax is the reference's bit for bit
 * @param queries {@code [B, 1, L, 1]} floats, 1 or 0: padding query rows get all-zero attention (XSoftmax)
 * @param tokens {@code [B, L, 1]} floats, 1 or 0: multiplies the embeddings
 * @param segments for a packed batch ({@code B = 1}), the length of each row in token order; null otherwise
 */
public record AttentionMask(NDArray keys, NDArray queries, NDArray tokens, long[] segments) {
    /** A batch without padding. */
    public static final AttentionMask NONE = new AttentionMask(null, null, null, null);

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
                keyFill.expandDims(1).expandDims(1), m.expandDims(1).expandDims(3), m.expandDims(2), null);
    }

    /**
     * Rows of these lengths packed one after another into a {@code [1, Σ lengths]} batch: every token is real,
     * and each row attends only within itself.
     *
     * @param lengths each row's token count, in order, each at least 1
     * @return the packed layout
     * @throws IllegalArgumentException if there is no row or a row is empty
     */
    public static AttentionMask packed(long[] lengths) {
        if (lengths.length == 0 || Arrays.stream(lengths).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(
                    "a packed batch needs at least one row, each of at least one token: " + Arrays.toString(lengths));
        }
        return new AttentionMask(null, null, null, lengths.clone());
    }

    /**
     * Whether no masking applies: the batch has no padding (one row, rows of equal length, or a packed batch).
     *
     * @return true for a batch without padding
     */
    public boolean isNone() {
        return keys == null;
    }

    /**
     * The packed rows' lengths.
     *
     * @return a copy of each row's token count, or null for a padded batch
     */
    @Override
    public long[] segments() {
        return segments == null ? null : segments.clone();
    }

    /**
     * Whether the rows are packed along the token axis ({@link #packed}).
     *
     * @return true for a packed batch
     */
    public boolean isPacked() {
        return segments != null;
    }

    /**
     * The longest row: the size of the relative-position table a pass needs.
     *
     * @param width the batch's token axis ({@code L})
     * @return {@code width} for a padded batch, the longest segment for a packed one
     */
    public long longestRow(long width) {
        return isPacked() ? Arrays.stream(segments).max().orElseThrow() : width;
    }
}
