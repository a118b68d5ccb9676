package io.llmblender.batch;

import io.llmblender.ranker.Item;
import java.util.List;
import java.util.Objects;

/**
 * One line of a ranking batch file, {@code {"id", "input", "instruction"?, "candidates": [...]}}: what
 * {@code blender rank --batch} and the Spark job read. Checked on construction with the reasons the errors file
 * carries. Immutable.
 *
 * @param instruction may be null; joined before the input with no separator, as the ranker does
 */
public record RankRecord(String id, String instruction, String input, List<String> candidates) {
    public RankRecord {
        if (id == null || id.isBlank()) {
            throw new RecordException(null, "no \"id\"; every record needs a unique id (a string or a number)");
        }
        if (input == null) {
            throw new RecordException(id, "no \"input\"; give the prompt the candidates answer");
        }
        Objects.requireNonNull(candidates, "candidates");
        if (candidates.isEmpty()) {
            throw new RecordException(id, "no candidates; give at least one answer in \"candidates\"");
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i) == null || candidates.get(i).isBlank()) {
                throw new RecordException(id, "candidate " + i + " is blank; every candidate must have text");
            }
        }
        candidates = List.copyOf(candidates);
    }

    /** Refuses a record with more candidates than {@code rules} allow. */
    public RankRecord check(RecordRules rules) {
        if (candidates.size() > rules.maxCandidates()) {
            throw new RecordException(
                    id,
                    candidates.size() + " candidates, more than the cap of " + rules.maxCandidates()
                            + "; split the row or raise the cap (--max-candidates)");
        }
        return this;
    }

    /** What the ranker takes. */
    public Item item() {
        return new Item(instruction, input, candidates);
    }

    /** Characters of the source and every candidate: a cheap stand-in for the row's tokens when sorting. */
    public long length() {
        long n = input.length() + (instruction == null ? 0 : instruction.length());
        for (String c : candidates) {
            n += c.length();
        }
        return n;
    }
}
