package io.llmblender.ranker;

/**
 * How {@code compare} judges candidate A against candidate B (spec §3.3). The signs are the reference's.
 */
public enum CompareMode {
    /** One pass, A in slot 1: {@code f(A, B)}; {@code > 0} means A is better. Python {@code "[A,B]"}. */
    A_B("[A,B]"),
    /**
     * One pass, B in slot 1: {@code f(B, A)}, <em>not negated</em>, as the reference returns it; {@code > 0}
     * therefore means <b>B</b> is better. Python {@code "[B,A]"}.
     */
    B_A("[B,A]"),
    /**
     * Both orders: {@code f(A, B) − f(B, A)} (the sum of the two directions, whatever the Python docstring says
     * of an average); {@code > 0} means A is better, and position bias cancels. Python {@code "[A,B]+[B,A]"},
     * the default.
     */
    BOTH("[A,B]+[B,A]");

    private final String python;

    CompareMode(String python) {
        this.python = python;
    }

    /**
     * The Python mode string.
     *
     * @return {@code "[A,B]"}, {@code "[B,A]"} or {@code "[A,B]+[B,A]"}
     */
    public String python() {
        return python;
    }

    /**
     * Parses a Python mode string. As in the reference, any string other than {@code "[A,B]"} and
     * {@code "[B,A]"} means both orders.
     *
     * @param mode Python's {@code mode} argument
     * @return the mode
     */
    public static CompareMode fromPython(String mode) {
        return switch (mode) {
            case "[A,B]" -> A_B;
            case "[B,A]" -> B_A;
            default -> BOTH;
        };
    }
}
