package io.llmblender.orchestrator;

/** What the ensemble does with the answers it collected. */
public enum BlendPolicy {
    /** Rank the answers and return the best one. */
    RANK_ONLY,
    /** Rank, then fuse the top-K into one answer (LLM-Blender's full pipeline). */
    RANK_AND_FUSE,
    /** Stop waiting once a quorum of members answered, then rank those and return the best. */
    FIRST_K_THEN_RANK
}
