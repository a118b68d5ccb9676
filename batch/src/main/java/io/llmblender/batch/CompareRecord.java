package io.llmblender.batch;

import io.llmblender.ranker.Item;
import java.util.List;

/**
 * One line of a comparison batch file, {@code {"id", "input", "instruction"?, "a", "b"}}: what
 * {@code blender compare --batch} reads. Immutable.
 *
 * @param id the record's id, unique in the file
 * @param instruction the instruction, or null
 * @param input the prompt both answers answer
 * @param a answer A
 * @param b answer B
 */
public record CompareRecord(String id, String instruction, String input, String a, String b) {
    /**
     * Refuses a record without id or input, or with a blank answer.
     *
     * @param id the record's id, unique in the file
     * @param instruction the instruction, or null
     * @param input the prompt both answers answer
     * @param a answer A
     * @param b answer B
     * @throws RecordException naming the missing or blank field
     */
    public CompareRecord {
        if (id == null || id.isBlank()) {
            throw new RecordException(null, "no \"id\"; every record needs a unique id (a string or a number)");
        }
        if (input == null) {
            throw new RecordException(id, "no \"input\"; give the prompt both answers answer");
        }
        if (a == null || a.isBlank() || b == null || b.isBlank()) {
            throw new RecordException(id, "\"a\" and \"b\" must both be non-blank answers");
        }
    }

    /**
     * What the ranker compares: candidates [A, B].
     *
     * @return an item with candidates A and B
     */
    public Item item() {
        return new Item(instruction, input, List.of(a, b));
    }
}
