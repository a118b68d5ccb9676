package io.llmblender.ranker;

import java.util.Objects;

/** One turn of a conversation: role {@code USER} or {@code ASSISTANT} (spec §2.8), and its text. Immutable. */
public record Turn(String role, String content) {
    public static final String USER = "USER";
    public static final String ASSISTANT = "ASSISTANT";

    public Turn {
        Objects.requireNonNull(role, "role is null; use Turn.user(...) or Turn.assistant(...)");
        Objects.requireNonNull(content, "content of a " + role + " turn is null; use \"\" for an empty turn");
    }

    public static Turn user(String content) {
        return new Turn(USER, content);
    }

    public static Turn assistant(String content) {
        return new Turn(ASSISTANT, content);
    }
}
