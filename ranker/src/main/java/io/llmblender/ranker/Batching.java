package io.llmblender.ranker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How pair rows are grouped into forward passes: sorted longest first and cut into passes of at most
 * {@code maxRows} rows and {@code maxPaddedTokens} padded tokens (rows × the pass's longest row), so the native
 * memory of one pass is bounded by configuration. A row longer than the token budget runs alone. (PairRM then runs
 * a pass of rows of different lengths packed along the token axis, computing no padding at all, so a pass uses at
 * most this budget.) Immutable.
 *
 * <p>Memory: a pass's activations grow with its padded tokens T (about {@code 40·T·H} bytes of hidden states)
 * and its attention with rows·L² (bounded further by the attention's blocks); the README gives the bound.
 *
 * @param maxRows the most pair rows in one forward pass, at least 1
 * @param maxPaddedTokens the most padded tokens (rows × the pass's longest row) in one pass, at least 1
 */
public record Batching(int maxRows, int maxPaddedTokens) {
    /** 64 rows or 8,192 padded tokens per pass: e.g. eight 1,000-token pair rows. */
    public static final Batching DEFAULT = new Batching(64, 8192);

    /**
     * Checks that a pass can hold at least one row and one token.
     *
     * @param maxRows the most pair rows in one forward pass, at least 1
     * @param maxPaddedTokens the most padded tokens (rows × the pass's longest row) in one pass, at least 1
     * @throws IllegalArgumentException if either is below 1
     */
    public Batching {
        if (maxRows < 1 || maxPaddedTokens < 1) {
            throw new IllegalArgumentException("a pass holds at least one row and one token; got maxRows=" + maxRows
                    + ", maxPaddedTokens=" + maxPaddedTokens);
        }
    }

    /**
     * A fixed number of rows per pass, whatever their length (the reference's batch_size).
     *
     * @param rows rows per pass, at least 1
     * @return batching by row count alone
     */
    public static Batching rows(int rows) {
        return new Batching(rows, Integer.MAX_VALUE);
    }

    /**
     * Up to {@code tokens} padded tokens per pass.
     *
     * @param tokens padded tokens per pass, at least 1
     * @return batching by padded tokens, with the default limit of rows ({@code DEFAULT.maxRows()})
     */
    public static Batching tokens(int tokens) {
        return new Batching(DEFAULT.maxRows, tokens);
    }

    /**
     * The passes for rows of the given lengths: groups of row indices, longest first, stable for equal lengths.
     *
     * @param lengths the token length of each row
     * @return the passes, each a list of row indices
     */
    public List<int[]> pack(int[] lengths) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        List<int[]> passes = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            long width = lengths[order[start]]; // longest row of the pass: every row pads to it
            int end = start + 1;
            while (end < order.length && end - start < maxRows && (end - start + 1) * width <= maxPaddedTokens) {
                end++;
            }
            int[] pass = new int[end - start];
            for (int i = start; i < end; i++) {
                pass[i - start] = order[i];
            }
            passes.add(pass);
            start = end;
        }
        return passes;
    }
}
