package io.llmblender.ranker;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How {@code rankWithReference} picks the reference among an input's candidates (spec §3.4). Python's
 * {@code ref_mode}.
 */
public enum ReferenceMode {
    /** The first candidate of maximal length (code points). The default. */
    LONGEST,
    /** The first candidate of minimal length. */
    SHORTEST,
    /** Stable sort by length, index C/2 (the upper median for even C). */
    MEDIAN_LENGTH,
    /** The first candidate. */
    FIRST,
    /** The last candidate. */
    LAST;

    /**
     * Python's {@code ref_mode} string; an unknown one gets the reference's message.
     *
     * @param mode Python's {@code ref_mode}
     * @return the mode
     */
    public static ReferenceMode fromPython(String mode) {
        return switch (mode) {
            case "longest" -> LONGEST;
            case "shortest" -> SHORTEST;
            case "median_length" -> MEDIAN_LENGTH;
            case "first" -> FIRST;
            case "last" -> LAST;
            default -> throw new IllegalArgumentException("Unknown ref_mode: " + mode);
        };
    }

    /**
     * Python's name of this mode.
     *
     * @return the Python string
     */
    public String python() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The index of the reference among {@code candidates}; lengths are Unicode code points, as Python's len.
     *
     * @param candidates the candidates of one input
     * @return the index of the reference
     */
    public int pick(List<String> candidates) {
        int c = candidates.size();
        int[] len = candidates.stream()
                .mapToInt(s -> s.codePointCount(0, s.length()))
                .toArray();
        return switch (this) {
            case FIRST -> 0;
            case LAST -> c - 1;
            case LONGEST -> firstIndexOf(len, Arrays.stream(len).max().orElseThrow());
            case SHORTEST -> firstIndexOf(len, Arrays.stream(len).min().orElseThrow());
            case MEDIAN_LENGTH ->
                IntStream.range(0, c)
                        .boxed()
                        .sorted((x, y) -> Integer.compare(len[x], len[y]))
                        .toList()
                        .get(c / 2);
        };
    }

    private static int firstIndexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException("no candidate has length " + value);
    }
}
