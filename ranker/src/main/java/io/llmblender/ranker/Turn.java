package io.llmblender.ranker;

/** One turn of a conversation: role {@code USER} or {@code ASSISTANT} (spec §2.8), and its text. */
public record Turn(String role, String content) {
    public static Turn user(String content) {
        return new Turn("USER", content);
    }

    public static Turn assistant(String content) {
        return new Turn("ASSISTANT", content);
    }
}
