package io.llmblender.fuser.t5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy decoding with Hugging Face semantics ({@code generate(num_beams=1, do_sample=False)}): start from
 * {@code decoder_start_token_id}, append each row's argmax, continue rows that produced EOS with pad, stop when
 * every row has or after {@code maxNewTokens}. With the cache each step feeds only the new token
 * ({@link T5Model.Decoder}); without it every step recomputes the whole prefix (to check the cache). Immutable;
 * each {@link #search} brings its own decoder, so it is thread-safe.
 */
public final class GreedySearch {
    /**
     * Output ids per row (start token first) and, per step, the logits {@code [batch][vocab]} it chose from.
     *
     * @param ids per row, the generated ids, decoder start first
     * @param stepLogits per step, the {@code [batch][vocab]} logits chosen from
     */
    public record Generation(long[][] ids, List<float[][]> stepLogits) {}

    private final T5Model model;
    private final int maxNewTokens;
    private final boolean useCache;

    /**
     * A greedy search over {@code model}.
     *
     * @param model the T5 model; stays the caller's
     * @param maxNewTokens the most tokens generated after the decoder start, at least 1
     * @param useCache feed only the new token each step (false recomputes the prefix, to check the cache)
     */
    public GreedySearch(T5Model model, int maxNewTokens, boolean useCache) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens is " + maxNewTokens + "; greedy search needs >= 1");
        }
        this.model = model;
        this.maxNewTokens = maxNewTokens;
        this.useCache = useCache;
    }

    /**
     * Greedy decoding of each input row until EOS or {@code maxNewTokens}.
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @return the ids and each step's logits
     */
    public Generation search(long[][] inputIds, long[][] attentionMask) {
        return search(inputIds, attentionMask, StreamedTokens.NONE, DecodingProgress.NONE);
    }

    /**
     * As {@link #search(long[][], long[][])}, telling {@code tokens} each row's ids after every step.
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @param tokens told each row's ids after every step
     * @param progress told after each decoder step
     * @return the ids and each step's logits
     */
    public Generation search(
            long[][] inputIds, long[][] attentionMask, StreamedTokens tokens, DecodingProgress progress) {
        T5Config c = model.config();
        int b = inputIds.length;
        long[][] rows = new long[b][];
        for (int r = 0; r < b; r++) {
            rows[r] = new long[] {c.decoderStartTokenId()};
        }
        boolean[] done = new boolean[b];
        List<float[][]> stepLogits = new ArrayList<>();
        try (T5Model.Decoder decoder = useCache ? model.decoder(inputIds, attentionMask, 1, maxNewTokens) : null) {
            for (int step = 1; step <= maxNewTokens; step++) {
                // the last position's logits of every row, from the cache or from the whole prefix
                float[][] logits =
                        useCache ? decoder.step(lastTokens(rows)) : lastLogits(inputIds, attentionMask, rows);
                // each row takes its argmax; rows that are done take pad
                boolean allDone = true;
                for (int r = 0; r < b; r++) {
                    int next = done[r] ? c.padTokenId() : argmax(logits[r]);
                    rows[r] = Arrays.copyOf(rows[r], rows[r].length + 1);
                    rows[r][rows[r].length - 1] = next;
                    if (!done[r]) {
                        tokens.next(r, rows[r].clone());
                    }
                    done[r] |= next == c.eosTokenId();
                    allDone &= done[r];
                }
                stepLogits.add(logits);
                progress.step(step, allDone ? step : maxNewTokens);
                if (allDone) {
                    break;
                }
            }
        }
        return new Generation(rows, stepLogits);
    }

    private static long[] lastTokens(long[][] rows) {
        return Arrays.stream(rows).mapToLong(row -> row[row.length - 1]).toArray();
    }

    /** The last position's logits of a full teacher-forced pass over {@code decoderIds} (no cache). */
    private float[][] lastLogits(long[][] inputIds, long[][] attentionMask, long[][] decoderIds) {
        T5Model.Output out = model.forward(inputIds, attentionMask, decoderIds, null);
        int vocab = model.config().vocabSize();
        int t = decoderIds[0].length;
        float[][] last = new float[decoderIds.length][];
        for (int r = 0; r < last.length; r++) {
            int at = (r * t + t - 1) * vocab;
            last[r] = Arrays.copyOfRange(out.logits(), at, at + vocab);
        }
        return last;
    }

    /** The first index of the largest value, as torch's argmax. */
    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
