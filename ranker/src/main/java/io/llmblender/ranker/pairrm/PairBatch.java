package io.llmblender.ranker.pairrm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A validated batch in the flat form the engine takes: padded and trimmed ({@code [rows, length]}), or packed
 * ({@code [1, length]}, the rows one after another, {@code segments} their lengths, positions counted from the
 * start of the packed sequence).
 */
record PairBatch(
        int rows,
        int length,
        long[] ids,
        long[] mask,
        boolean hasPadding,
        int[] keptColumns,
        int[] sourcePositions,
        int[] cand1Positions,
        int[] cand2Positions,
        long[] segments) {

    /**
     * Unpadded rows packed one after another: no padding to compute, and each row checked as {@link #of} checks
     * it.
     */
    static PairBatch packed(List<long[]> rowIds, int vocab, PairRmConfig c) {
        int rows = rowIds.size();
        int total = rowIds.stream().mapToInt(r -> r.length).sum();
        long[] ids = new long[total];
        long[] mask = new long[total];
        Arrays.fill(mask, 1L);
        int[] src = new int[rows];
        int[] c1 = new int[rows];
        int[] c2 = new int[rows];
        long[] segments = new long[rows];
        int start = 0;
        for (int r = 0; r < rows; r++) {
            long[] row = rowIds.get(r);
            long[] ones = new long[row.length];
            Arrays.fill(ones, 1L);
            PairBatch alone = of(new long[][] {row}, new long[][] {ones}, vocab, c);
            System.arraycopy(row, 0, ids, start, row.length);
            src[r] = start + alone.sourcePositions()[0];
            c1[r] = start + alone.cand1Positions()[0];
            c2[r] = start + alone.cand2Positions()[0];
            segments[r] = row.length;
            start += row.length;
        }
        return new PairBatch(
                rows, total, ids, mask, false, IntStream.range(0, total).toArray(), src, c1, c2, segments);
    }

    static PairBatch of(long[][] inputIds, long[][] attentionMask, int vocab, PairRmConfig c) {
        if (inputIds.length == 0) {
            throw new IllegalArgumentException("the batch is empty; pass at least one row");
        }
        if (attentionMask.length != inputIds.length) {
            throw new IllegalArgumentException(
                    "input_ids has " + inputIds.length + " rows but attention_mask has " + attentionMask.length);
        }
        int width = inputIds[0].length;
        for (int r = 0; r < inputIds.length; r++) {
            if (inputIds[r].length != width || attentionMask[r].length != width) {
                throw new IllegalArgumentException("row " + r + " of input_ids/attention_mask has length "
                        + inputIds[r].length + "/" + attentionMask[r].length + ", expected " + width
                        + "; pad every row to the same length");
            }
        }
        // Column trimming (spec §1.3 step 1): keep every column where some row is not padding.
        List<Integer> kept = new ArrayList<>();
        for (int col = 0; col < width; col++) {
            for (long[] row : attentionMask) {
                if (row[col] != 0) {
                    kept.add(col);
                    break;
                }
            }
        }
        int rows = inputIds.length;
        int length = kept.size();
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        boolean padding = false;
        int[] src = new int[rows];
        int[] c1 = new int[rows];
        int[] c2 = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] found = {-1, -1, -1};
            for (int p = 0; p < length; p++) {
                long id = inputIds[r][kept.get(p)];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("row " + r + " holds token id " + id
                            + ", outside the vocabulary of " + vocab + "; was it encoded with this model's tokenizer?");
                }
                ids[r * length + p] = id;
                mask[r * length + p] = attentionMask[r][kept.get(p)];
                padding |= mask[r * length + p] == 0;
                note(found, 0, id == c.sourcePrefixId(), p, r, "<|source|>");
                note(found, 1, id == c.cand1PrefixId(), p, r, "<|candidate1|>");
                note(found, 2, id == c.cand2PrefixId(), p, r, "<|candidate2|>");
            }
            // The HF wrapper's assertion messages (spec §1.3).
            if (found[0] < 0) {
                throw new IllegalArgumentException("<source> id not in input_ids (row " + r + ")");
            }
            if (found[1] < 0) {
                throw new IllegalArgumentException("<candidate1> id not in input_ids (row " + r + ")");
            }
            if (found[2] < 0) {
                throw new IllegalArgumentException("<candidate2> id not in input_ids (row " + r + ")");
            }
            src[r] = found[0];
            c1[r] = found[1];
            c2[r] = found[2];
        }
        return new PairBatch(
                rows,
                length,
                ids,
                mask,
                padding,
                kept.stream().mapToInt(Integer::intValue).toArray(),
                src,
                c1,
                c2,
                null);
    }

    private static void note(int[] found, int slot, boolean match, int p, int r, String token) {
        if (!match) {
            return;
        }
        if (found[slot] >= 0) {
            // The reference stacks every match and then crashes or mis-aligns (spec §1.3 QUIRK); refuse clearly.
            throw new IllegalArgumentException("row " + r + " holds " + token + " more than once (positions "
                    + found[slot] + " and " + p + "); each row must hold each prefix token exactly once");
        }
        found[slot] = p;
    }

    /** Row indices into the flattened {@code [B·L, H]} states for one position per row. */
    long[] rowsOf(int[] positions) {
        long[] out = new long[positions.length];
        for (int r = 0; r < positions.length; r++) {
            out[r] = segments != null ? positions[r] : (long) r * length + positions[r];
        }
        return out;
    }
}
