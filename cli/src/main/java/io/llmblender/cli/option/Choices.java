package io.llmblender.cli.option;

import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.ReferenceMode;
import io.llmblender.ranker.Strategy;
import io.llmblender.runtime.DidYouMean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The option values that name one of a closed set (a compare mode, a reference mode, a strategy): an unknown
 * value is refused with the allowed list and, for a typo, the nearest name. The CLI is strict where the Java
 * {@link CompareMode#fromPython} stays lenient as the reference is (any other string means both orders), because
 * on a command line a typo is far likelier than a wish for the default. Stateless.
 */
public final class Choices {
    private Choices() {}

    /** {@code --mode}: [A,B], [B,A] or [A,B]+[B,A]. */
    public static CompareMode compareMode(String option, String value) {
        return parse(option, value, CompareMode.values(), CompareMode::python);
    }

    /** {@code --ref-mode}: longest, shortest, median_length, first or last (Python's ref_mode names). */
    public static ReferenceMode referenceMode(String option, String value) {
        return parse(option, value, ReferenceMode.values(), ReferenceMode::python);
    }

    /** {@code --strategy}: full, bubble, knockout or top-k. */
    public static Strategy strategy(String option, String value) {
        return parse(option, value, Strategy.values(), Strategy::configName);
    }

    /** The value among {@code values} whose {@code name} is {@code value}, exactly. */
    public static <T> T parse(String option, String value, T[] values, Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        Arrays.stream(values).forEach(v -> byName.put(name.apply(v), v));
        T found = byName.get(value);
        if (found != null) {
            return found;
        }
        String near = DidYouMean.nearest(value, byName.keySet())
                .map(n -> "; did you mean " + n + "?")
                .orElse("");
        throw new IllegalArgumentException(
                option + " '" + value + "' is not one of " + String.join(", ", byName.keySet()) + near);
    }
}
