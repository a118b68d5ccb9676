package io.llmblender.ranker;

import java.util.Objects;

/**
 * One turn of a conversation: role {@code USER} or {@code ASSISTANT} (spec §2.8), and its text. Immutable.
 *
 * @param role {@link #USER} or {@link #ASSISTANT}
 * @param content the turn's text; may be empty
 */
public record Turn(String role, String content) {
    /** The role of the user's turns. */
    public static final String USER = "USER";
    /** The role of the assistant's turns. */
    public static final String ASSISTANT = "ASSISTANT";

    /**
     * Refuses a null role or content.
     *
     * @param role {@link #USER} or {@link #ASSISTANT}
     * @param content the turn's text; may be empty
     */
    public Turn {
        Objects.requireNonNull(role, "role is null; use Turn.user(...) or Turn.assistant(...)");
        Objects.requireNonNull(content, "content of a " + role + " turn is null; use \"\" for an empty turn");
    }

    /**
     * A user turn.
     *
     * @param content the user's message
     * @return the turn
     */
    public static Turn user(String content) {
        return new Turn(USER, content);
    }

    /**
     * An assistant turn.
     *
     * @param content the assistant's answer
     * @return the turn
     */
    public static Turn assistant(String content) {
        return new Turn(ASSISTANT, content);
    }
}
