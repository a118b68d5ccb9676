package io.llmblender.ranker;

import java.util.List;
import java.util.Objects;

/**
 * One input with its candidate answers, and an optional instruction: what every ranker, scorer and selector
 * takes. The instruction is joined to the input with no separator, as the reference's
 * {@code instruction + input} (spec §2.1). Immutable.
 *
 * @param instruction may be null (Python's {@code instructions=None})
 * @param input the user's input (the prompt); may be empty but not null
 * @param candidates the answers to order; none may be null
 */
public record Item(String instruction, String input, List<String> candidates) {
    /**
     * Refuses a null input, null candidates or a null candidate, naming the fix.
     *
     * @param instruction may be null (Python's {@code instructions=None})
     * @param input the user's input (the prompt); may be empty but not null
     * @param candidates the answers to order; none may be null
     */
    public Item {
        Objects.requireNonNull(input, "input is null; pass the prompt the candidates answer (an empty string is fine)");
        Objects.requireNonNull(candidates, "candidates is null; pass a list of answers");
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i) == null) {
                throw new IllegalArgumentException(
                        "candidate " + i + " is null; every candidate must be a string (use \"\" for an empty answer)");
            }
        }
        candidates = List.copyOf(candidates);
    }

    /**
     * An input without instruction.
     *
     * @param input the user's input (the prompt)
     * @param candidates the answers to order
     */
    public Item(String input, List<String> candidates) {
        this(null, input, candidates);
    }

    /**
     * The text the ranker reads as the source: {@code instruction + input}, or the input alone.
     *
     * @return the source text
     */
    public String source() {
        return instruction == null ? input : instruction + input;
    }

    /**
     * The number of candidates.
     *
     * @return the candidate count
     */
    public int size() {
        return candidates.size();
    }

    /**
     * The same input with other candidates.
     *
     * @param other the new candidates
     * @return an item with this instruction and input
     */
    public Item withCandidates(List<String> other) {
        return new Item(instruction, input, other);
    }
}
