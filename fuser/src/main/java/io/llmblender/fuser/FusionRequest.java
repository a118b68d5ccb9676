package io.llmblender.fuser;

import java.util.List;

/**
 * What a fuser fuses: an optional instruction, the input, and the ranked top-K candidates, best first.
 *
 * @param instruction the instruction, or null
 * @param input the user's input; may be empty, not null
 * @param candidates the candidates to fuse, best first; at least one
 */
public record FusionRequest(String instruction, String input, List<String> candidates) {
    /**
     * Refuses a null input and a null or empty candidate list.
     *
     * @param instruction the instruction, or null
     * @param input the user's input; may be empty, not null
     * @param candidates the candidates to fuse, best first; at least one
     */
    public FusionRequest {
        if (input == null) {
            throw new IllegalArgumentException("a fusion request needs an input (it may be empty, not null)");
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("a fusion request needs at least one candidate to fuse");
        }
        candidates = List.copyOf(candidates);
    }

    /**
     * A request without instruction.
     *
     * @param input the user's input
     * @param candidates the candidates to fuse, best first
     */
    public FusionRequest(String input, List<String> candidates) {
        this(null, input, candidates);
    }
}
