package io.llmblender.ranker.pairrm;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place that lays out PairRM's input (spec §2):
 * {@code [CLS] <|source|> … [SEP] [CLS] <|candidate1|> … [SEP] [CLS] <|candidate2|> … [SEP]}.
 *
 * <p>Texts follow the original collator ({@code CrossCompareCollator}): the source is {@code "<|source|>" +
 * source}, each candidate {@code "<|candidate|>" + candidate}, every literal {@code [SEP]} in them becomes a
 * space, the source is truncated to {@code S} tokens and every candidate of an input to a budget of
 * {@code Cm + ⌊(S − L)/2⌋} tokens (special tokens included), so a pair never exceeds {@code S + 2·Cm}. For a
 * pair, the generic prefix is rewritten to {@code <|candidate1|>} / {@code <|candidate2|>} by slot.
 *
 * <p>{@code L} is the input's own source length by default ({@link BudgetRule#PER_EXAMPLE}, deterministic, what
 * the Python code gives with {@code batch_size=1} and what PairRM-hf's {@code tokenize_pair} uses). The
 * reference's batch rule, where {@code L} is the longest source of a batch of consecutive inputs (spec §2.3
 * QUIRK), is {@link BudgetRule#BATCH}.
 *
 * <p>User text that contains a marker string ({@code <|source|>}, {@code <|candidate1|>}, {@code <|candidate2|>},
 * {@code <|candidate|>}) would otherwise be read as a second marker and break the pass (the reference crashes
 * or misaligns, spec §1.3 QUIRK). Here such a string is defused by a space after its {@code <|}
 * ({@code "<| source|>"}), so it is read as the plain text it is; nothing else in the text changes.
 *
 * <p>Immutable; thread-safe.
 */
public final class PairEncoder {
    /** Where the candidate budget's source length comes from. */
    public enum BudgetRule {
        /** Each input's own source length (default). */
        PER_EXAMPLE,
        /** The longest source among the inputs encoded together, as the reference collator does. */
        BATCH
    }

    /**
     * The token limits: {@code S} for the source, {@code Cm} for a candidate (PairRM: 1224 and 412).
     *
     * @param sourceMaxLength S, the source's token limit, at least 3
     * @param candidateMaxLength Cm, a candidate's token limit, at least 3
     */
    public record Limits(int sourceMaxLength, int candidateMaxLength) {
        /** PairRM's own limits: 1224 source tokens, 412 per candidate (the reference's defaults). */
        public static final Limits PAIRRM = new Limits(1224, 412);

        /**
         * Checks that each limit fits at least {@code [CLS]}, a prefix and {@code [SEP]}.
         *
         * @param sourceMaxLength S, the source's token limit, at least 3
         * @param candidateMaxLength Cm, a candidate's token limit, at least 3
         * @throws IllegalArgumentException if a limit is below 3
         */
        public Limits {
            if (sourceMaxLength < 3 || candidateMaxLength < 3) {
                throw new IllegalArgumentException("source and candidate limits must be at least 3 tokens ([CLS],"
                        + " the prefix and [SEP]); got " + sourceMaxLength + " and " + candidateMaxLength);
            }
        }

        /**
         * The longest pair these limits allow, {@code S + 2·Cm}.
         *
         * @return {@code sourceMaxLength + 2 · candidateMaxLength}
         */
        public int maxPairLength() {
            return sourceMaxLength + 2 * candidateMaxLength;
        }
    }

    /**
     * One input encoded: its source ids and its candidates' ids (generic prefix), truncated to {@code budget}.
     *
     * @param source the source's ids, {@code [CLS] <|source|> ... [SEP]}
     * @param candidates each candidate's ids with the generic candidate prefix
     * @param budget the candidate token budget they were truncated to
     */
    public record EncodedInput(long[] source, List<long[]> candidates, int budget) {
        /**
         * Copies the arrays.
         *
         * @param source the source's ids, {@code [CLS] <|source|> ... [SEP]}
         * @param candidates each candidate's ids with the generic candidate prefix
         * @param budget the candidate token budget they were truncated to
         */
        public EncodedInput {
            source = source.clone();
            candidates = candidates.stream().map(long[]::clone).toList();
        }

        /**
         * The source's token ids.
         *
         * @return a copy
         */
        @Override
        public long[] source() {
            return source.clone();
        }

        /**
         * One candidate's token ids, with the generic candidate prefix.
         *
         * @param i the candidate's index
         * @return a copy
         */
        public long[] candidate(int i) {
            return candidates.get(i).clone();
        }

        /**
         * The number of candidates.
         *
         * @return the candidate count
         */
        public int size() {
            return candidates.size();
        }
    }

    static final String SEP = "[SEP]";
    private static final List<String> MARKERS =
            List.of("<|source|>", "<|candidate1|>", "<|candidate2|>", "<|candidate|>");

    private final PairRmTokenizer tokenizer;
    private final PairRmConfig ids;

    /**
     * An encoder over {@code tokenizer} that writes PairRM's prefix ids from {@code ids}.
     *
     * @param tokenizer the DeBERTa-v3 tokenizer with PairRM's added tokens
     * @param ids the prefix token ids
     */
    public PairEncoder(PairRmTokenizer tokenizer, PairRmConfig ids) {
        this.tokenizer = tokenizer;
        this.ids = ids;
    }

    /**
     * The ranker's source text: instruction and input concatenated with no separator (spec §2.1).
     *
     * @param instruction the instruction, or null
     * @param input the user's input
     * @return {@code instruction + input}, or the input alone
     */
    public static String source(String instruction, String input) {
        return (instruction == null ? "" : instruction) + input;
    }

    /**
     * Encodes inputs together. With {@link BudgetRule#BATCH}, consecutive groups of {@code batchSize} inputs
     * share the budget of their longest source; with {@link BudgetRule#PER_EXAMPLE} the batch size is irrelevant.
     *
     * @param sources one source text per input
     * @param candidates the candidates of each input
     * @param limits the source and candidate token limits
     * @param rule whose source length sets the candidate budget
     * @param batchSize inputs that share a budget under {@link BudgetRule#BATCH}
     * @return one encoded input per source
     */
    public List<EncodedInput> encode(
            List<String> sources, List<List<String>> candidates, Limits limits, BudgetRule rule, int batchSize) {
        if (sources.size() != candidates.size()) {
            throw new IllegalArgumentException("Number of inputs and candidates must be the same");
        }
        List<long[]> sourceIds = new ArrayList<>();
        for (String s : sources) {
            sourceIds.add(tokenizer.encode("<|source|>" + clean(s), limits.sourceMaxLength()));
        }
        List<EncodedInput> out = new ArrayList<>();
        int group = rule == BudgetRule.BATCH ? Math.max(1, batchSize) : 1;
        for (int start = 0; start < sources.size(); start += group) {
            int end = Math.min(sources.size(), start + group);
            int longest = 0;
            for (int i = start; i < end; i++) {
                longest = Math.max(longest, sourceIds.get(i).length);
            }
            for (int i = start; i < end; i++) {
                int own = rule == BudgetRule.BATCH ? longest : sourceIds.get(i).length;
                int budget = limits.candidateMaxLength() + (limits.sourceMaxLength() - own) / 2;
                List<long[]> cands = new ArrayList<>();
                for (String c : candidates.get(i)) {
                    cands.add(tokenizer.encode("<|candidate|>" + clean(c), budget));
                }
                out.add(new EncodedInput(sourceIds.get(i), cands, budget));
            }
        }
        return out;
    }

    /**
     * One input with per-example budgets.
     *
     * @param source the source text
     * @param candidates its candidates
     * @param limits the token limits
     * @return the encoded input
     */
    public EncodedInput encode(String source, List<String> candidates, Limits limits) {
        return encode(List.of(source), List.of(candidates), limits, BudgetRule.PER_EXAMPLE, 1)
                .get(0);
    }

    /**
     * The pair sequence with candidate {@code first} in slot 1 and {@code second} in slot 2: source ids, then
     * each candidate with its generic prefix rewritten to the slot's ({@code cat_ids}, spec §2.5), unpadded.
     *
     * @param input an encoded input
     * @param first the candidate in slot 1
     * @param second the candidate in slot 2
     * @return the token ids of the pair row, unpadded
     */
    public long[] pair(EncodedInput input, int first, int second) {
        long[] s = input.source;
        long[] a = input.candidates.get(first);
        long[] b = input.candidates.get(second);
        long[] row = new long[s.length + a.length + b.length];
        System.arraycopy(s, 0, row, 0, s.length);
        copyWithPrefix(a, row, s.length, ids.cand1PrefixId());
        copyWithPrefix(b, row, s.length + a.length, ids.cand2PrefixId());
        return row;
    }

    /**
     * Two separately encoded candidates (e.g. a reference against a candidate) for one source.
     *
     * @param source the encoded source
     * @param first the candidate in slot 1 (generic prefix)
     * @param second the candidate in slot 2 (generic prefix)
     * @return the token ids of the pair row, unpadded
     */
    public long[] pair(long[] source, long[] first, long[] second) {
        return pair(new EncodedInput(source, List.of(first, second), 0), 0, 1);
    }

    private void copyWithPrefix(long[] candidate, long[] row, int at, long slotPrefix) {
        for (int i = 0; i < candidate.length; i++) {
            row[at + i] = candidate[i] == ids.candPrefixId() ? slotPrefix : candidate[i];
        }
    }

    /** [SEP] scrubbing of the collator (spec §2.2) and the defusing of marker strings described above. */
    static String clean(String text) {
        String t = text.replace(SEP, " ");
        for (String marker : MARKERS) {
            if (t.contains(marker)) {
                t = t.replace(marker, "<| " + marker.substring(2));
            }
        }
        return t;
    }

    /**
     * The tokenizer this encoder uses.
     *
     * @return the tokenizer (owned by whoever created the encoder)
     */
    public PairRmTokenizer tokenizer() {
        return tokenizer;
    }
}
