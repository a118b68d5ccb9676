package io.llmblender.eval.data;

/**
 * One human-labelled comparison: a prompt, two responses, and which is better.
 *
 * @param id the item's id in its benchmark
 * @param group the evaluation group (Auto-J's 8 groups, HHH's subsets), for per-group tables
 * @param prompt the prompt both responses answer
 * @param a the first response
 * @param b the second response
 * @param label {@link #FIRST} (response a better), {@link #SECOND} (b better) or {@link #TIE}
 */
public record PairwiseItem(String id, String group, String prompt, String a, String b, int label) {
    /** The label of an item whose response a is better. */
    public static final int FIRST = 0;
    /** The label of an item whose response b is better. */
    public static final int SECOND = 1;
    /** The label of a tie. */
    public static final int TIE = 2;

    /**
     * Refuses a label other than 0, 1 or 2.
     *
     * @param id the item's id in its benchmark
     * @param group the evaluation group
     * @param prompt the prompt both responses answer
     * @param a the first response
     * @param b the second response
     * @param label {@link #FIRST}, {@link #SECOND} or {@link #TIE}
     */
    public PairwiseItem {
        if (label < 0 || label > 2) {
            throw new IllegalArgumentException("label must be 0 (a better), 1 (b better) or 2 (tie), was " + label);
        }
    }
}
