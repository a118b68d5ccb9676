package io.llmblender.batch;

/** A batch record that cannot be ranked; the message is the reason written to the errors file. */
public final class RecordException extends RuntimeException {
    private final String id;

    public RecordException(String id, String reason) {
        super(reason);
        this.id = id;
    }

    /** The record's id when it could be read, else null. */
    public String id() {
        return id;
    }
}
