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

    /**
     * {@code --mode}: [A,B], [B,A] or [A,B]+[B,A].
     *
     * @param option the option's name, for the error, e.g. {@code --mode}
     * @param value what the user typed
     * @return the compare mode
     * @throws IllegalArgumentException for an unknown value, listing the allowed ones and the nearest
     */
    public static CompareMode compareMode(String option, String value) {
        return parse(option, value, CompareMode.values(), CompareMode::python);
    }

    /**
     * {@code --ref-mode}: longest, shortest, median_length, first or last (Python's ref_mode names).
     *
     * @param option the option's name, for the error, e.g. {@code --ref-mode}
     * @param value what the user typed
     * @return the reference mode
     * @throws IllegalArgumentException for an unknown value, listing the allowed ones and the nearest
     */
    public static ReferenceMode referenceMode(String option, String value) {
        return parse(option, value, ReferenceMode.values(), ReferenceMode::python);
    }

    /**
     * {@code --strategy}: full, bubble, knockout or top-k.
     *
     * @param option the option's name, for the error, e.g. {@code --strategy}
     * @param value what the user typed
     * @return the strategy
     * @throws IllegalArgumentException for an unknown value, listing the allowed ones and the nearest
     */
    public static Strategy strategy(String option, String value) {
        return parse(option, value, Strategy.values(), Strategy::configName);
    }

    /**
     * The value among {@code values} whose {@code name} is {@code value}, exactly.
     *
     * @param <T> the type of the choices
     * @param option the option's name, for the error
     * @param value what the user typed
     * @param values every choice
     * @param name each choice's name on the command line
     * @return the choice named {@code value}
     * @throws IllegalArgumentException for an unknown value, listing the allowed ones and the nearest
     */
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
