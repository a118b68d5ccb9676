package io.llmblender.batch;

/**
 * What a batch record must satisfy beyond its shape: at most {@code maxCandidates} candidates (a row with
 * thousands would be C·(C−1) pair rows in one task). Immutable.
 *
 * @param maxCandidates the most candidates a record may have
 */
public record RecordRules(int maxCandidates) {
    /** 64 candidates at most: far above the 4–16 answers that preference datasets sample per prompt. */
    public static final RecordRules DEFAULT = new RecordRules(64);

    /**
     * Refuses a cap below 1.
     *
     * @param maxCandidates the most candidates a record may have
     * @throws IllegalArgumentException if it is below 1
     */
    public RecordRules {
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be at least 1, was " + maxCandidates);
        }
    }
}
