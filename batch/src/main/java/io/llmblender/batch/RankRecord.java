package io.llmblender.batch;

import io.llmblender.ranker.Item;
import java.util.List;
import java.util.Objects;

/**
 * One line of a ranking batch file, {@code {"id", "input", "instruction"?, "candidates": [...]}}: what
 * {@code blender rank --batch} and the Spark job read. Checked on construction with the reasons the errors file
 * carries. Immutable.
 *
 * @param id the record's id, unique in the file
 * @param instruction may be null; joined before the input with no separator, as the ranker does
 * @param input the prompt the candidates answer
 * @param candidates the answers to rank; at least one, none blank
 */
public record RankRecord(String id, String instruction, String input, List<String> candidates) {
    /**
     * Refuses a record without id, input or candidates, or with a blank candidate, and copies the candidates.
     *
     * @param id the record's id, unique in the file
     * @param instruction the instruction, or null
     * @param input the prompt the candidates answer
     * @param candidates the answers to rank; at least one, none blank
     * @throws RecordException naming the missing or blank field
     */
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

    /**
     * Refuses a record with more candidates than {@code rules} allow.
     *
     * @param rules the caps a record must respect
     * @return this record
     * @throws RecordException if it has too many candidates
     */
    public RankRecord check(RecordRules rules) {
        if (candidates.size() > rules.maxCandidates()) {
            throw new RecordException(
                    id,
                    candidates.size() + " candidates, more than the cap of " + rules.maxCandidates()
                            + "; split the row or raise the cap (--max-candidates)");
        }
        return this;
    }

    /**
     * What the ranker takes.
     *
     * @return the item to rank
     */
    public Item item() {
        return new Item(instruction, input, candidates);
    }

    /**
     * Characters of the source and every candidate: a cheap stand-in for the row's tokens when sorting.
     *
     * @return the character count
     */
    public long length() {
        long n = input.length() + (instruction == null ? 0 : instruction.length());
        for (String c : candidates) {
            n += c.length();
        }
        return n;
    }
}
