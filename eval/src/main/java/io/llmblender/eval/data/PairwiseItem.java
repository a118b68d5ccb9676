package io.llmblender.eval.data;

/**
 * One human-labelled comparison: a prompt, two responses, and which is better.
 *
 * @param group the evaluation group (Auto-J's 8 groups, HHH's subsets), for per-group tables
 * @param label {@link #FIRST} (response a better), {@link #SECOND} (b better) or {@link #TIE}
 */
public record PairwiseItem(String id, String group, String prompt, String a, String b, int label) {
    public static final int FIRST = 0;
    public static final int SECOND = 1;
    public static final int TIE = 2;

    public PairwiseItem {
        if (label < 0 || label > 2) {
            throw new IllegalArgumentException("label must be 0 (a better), 1 (b better) or 2 (tie), was " + label);
        }
    }
}
