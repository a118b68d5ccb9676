package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * DeBERTa's relative positions (He et al., 2021, §3.1; HF {@code make_log_bucket_position} and
 * {@code build_relative_position}): the query–key distance {@code δ = i − j}, log-bucketed beyond half the
 * bucket count, turned into a row index of the relative-embedding table.
 *
 * <p>Only distances matter, so one table over {@code δ ∈ [−(L−1), L−1]} gives the whole {@code [L, L]} index.
 * Immutable; thread-safe.
 */
public final class RelativePositions {
    private final int buckets;
    private final int maxPosition;
    private final int span;

    /**
     * The relative positions of {@code config}'s encoder.
     *
     * @param config the architecture (span and buckets)
     */
    public RelativePositions(DebertaV2Config config) {
        this(config.positionBuckets(), config.maxRelativePositions(), config.attentionSpan());
    }

    RelativePositions(int buckets, int maxPosition, int span) {
        this.buckets = buckets;
        this.maxPosition = maxPosition;
        this.span = span;
    }

    /**
     * The bucket of distance {@code delta}: itself when {@code |δ| ≤ mid}, else
     * {@code sign(δ)·(ceil(ln(|δ|/mid) / ln((max−1)/mid) · (mid−1)) + mid)}. Without bucketing, δ itself.
     *
     * <p>Parity: evaluated in float32 step by step as torch does (spec App. A); every step below is one
     * correctly rounded float operation, so the buckets match the reference's table exactly.
     *
     * @param delta {@code i − j}, the query's position minus the key's
     * @return the bucketed distance
     */
    public int bucket(int delta) {
        if (buckets <= 0 || maxPosition <= 0) {
            return delta;
        }
        int mid = buckets / 2;
        int abs = Math.abs(delta);
        if (abs <= mid) {
            return delta;
        }
        float ratio = (float) abs / (float) mid;
        float logRatio = (float) Math.log(ratio);
        float logMax = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
        float scaled = logRatio / logMax * (float) (mid - 1);
        int logPos = (int) Math.ceil(scaled) + mid;
        return Integer.signum(delta) * logPos;
    }

    /**
     * Row of the relative-embedding table for query {@code i} and key {@code j}:
     * {@code clamp(bucket(i − j) + k, 0, 2k − 1)}. The same index serves c2p and p2c (spec App. A: the p2c
     * index {@code −bucket(j − i)} equals {@code bucket(i − j)} because the bucket function is odd).
     *
     * @param i the query's position
     * @param j the key's position
     * @return the table row
     */
    public int index(int i, int j) {
        return Math.max(0, Math.min(2 * span - 1, bucket(i - j) + span));
    }

    /**
     * The {@code [L, L]} int64 index for a sequence of {@code length} tokens, created in {@code manager}.
     *
     * @param manager owns the array
     * @param length L
     * @return the index matrix
     */
    public NDArray indexMatrix(NDManager manager, int length) {
        // One table entry per distance, then table[(i − j) + (L − 1)] expanded to [L, L] by torch.
        long[] table = new long[2 * length - 1];
        for (int d = -(length - 1); d <= length - 1; d++) {
            table[d + length - 1] = index(d, 0);
        }
        NDArray positions = manager.arange(0, length, 1, DataType.INT64);
        NDArray distance = positions.expandDims(1).sub(positions.expandDims(0)).add(length - 1);
        return manager.create(table).take(manager, distance);
    }

    /**
     * The relative positions of one pass over rows of up to {@code length} tokens, in {@code manager}: the
     * {@code [L, L]} index and, for p2c, the same index into a position-major {@code [2k, L]} table flattened.
     *
     * @param manager owns the arrays
     * @param length L, the longest row
     * @param p2c whether to build the second matrix (the model has p2c)
     * @return the index matrices
     */
    Tables tables(NDManager manager, int length, boolean p2c) {
        NDArray index = indexMatrix(manager, length);
        return new Tables(index, p2c ? Tables.positionMajor(index, length) : null);
    }

    /**
     * One pass's relative positions. A row of {@code n ≤ L} tokens uses the top-left {@code [n, n]} of the index.
     *
     * @param index {@code [L, L]}: {@code index(i, j)}, the table row for query i and key j
     * @param p2c {@code [L, L]}: {@code index(i, j)·L + j}, the position of key j's entry for that table row in a
     *     {@code [2k, L]} table of one entry per (table row, key), flattened; null for a model without p2c
     */
    record Tables(NDArray index, NDArray p2c) {
        /**
         * The p2c index of a row of {@code n} tokens, {@code index(i, j)·n + j} ({@code [n, n]}), a new array the
         * caller closes: a view of {@link #p2c()} for a full-length row, else computed from the index (only packed
         * passes have shorter rows; their table has n keys, so its rows are n apart).
         *
         * @param n the row's tokens, at most L
         * @return the row's p2c index
         */
        NDArray p2c(long n) {
            long length = index.getShape().get(0);
            NDIndex topLeft = new NDIndex(":{}, :{}", n, n);
            if (n == length) {
                return p2c.get(topLeft);
            }
            try (NDArray rowIndex = index.get(topLeft)) {
                return positionMajor(rowIndex, n);
            }
        }

        /** {@code index(i, j)·n + j} for an {@code [n, n]} index. */
        private static NDArray positionMajor(NDArray index, long n) {
            try (NDArray keys = index.getManager().arange(0, (int) n, 1, DataType.INT64);
                    NDArray rowStarts = index.mul(n)) {
                return rowStarts.add(keys);
            }
        }
    }

    /**
     * The attention span k: the table has 2k rows.
     *
     * @return k
     */
    public int span() {
        return span;
    }
}
