package io.llmblender.batch;

/** A batch record that cannot be ranked; the message is the reason written to the errors file. */
public final class RecordException extends RuntimeException {
    /** The record's id, or null. */
    private final String id;

    /**
     * A refused record.
     *
     * @param id the record's id, or null when it could not be read
     * @param reason why it is refused and how to fix it
     */
    public RecordException(String id, String reason) {
        super(reason);
        this.id = id;
    }

    /**
     * The record's id when it could be read, else null.
     *
     * @return the id, or null
     */
    public String id() {
        return id;
    }
}
