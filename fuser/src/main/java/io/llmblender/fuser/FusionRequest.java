package io.llmblender.fuser;

import java.util.List;

/**
 * What a fuser fuses: an optional instruction, the input, and the ranked top-K candidates, best first.
 */
public record FusionRequest(String instruction, String input, List<String> candidates) {
    public FusionRequest {
        if (input == null) {
            throw new IllegalArgumentException("a fusion request needs an input (it may be empty, not null)");
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("a fusion request needs at least one candidate to fuse");
        }
        candidates = List.copyOf(candidates);
    }

    public FusionRequest(String input, List<String> candidates) {
        this(null, input, candidates);
    }
}
