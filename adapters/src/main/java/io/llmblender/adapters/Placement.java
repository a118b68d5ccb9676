package io.llmblender.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.kernel.Precision;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a configured model runs and in which matmul precision: {@code ranker.precision}/{@code ranker.device} and
 * {@code fuser.precision}/{@code fuser.device}. Immutable.
 *
 * @param precision {@code auto} (the default: bf16 where the CPU has bf16 matrix units, else fp32), {@code fp32}
 *     (exact) or {@code bf16}
 * @param device {@code cpu} (the default), {@code gpu} or {@code auto}
 */
public record Placement(Precision precision, ComputeDevice device) {
    /** What a section without the two fields gets: the loaders' own defaults. */
    public static final Placement DEFAULT = new Placement(Precision.AUTO, ComputeDevice.CPU);

    /** Reads both fields of {@code section} (named {@code at}), adding a problem, with a did-you-mean, per bad value. */
    static Placement read(JsonNode section, String at, List<String> problems) {
        Precision precision = ConfigFields.choice(
                section, "precision", at, Precision.AUTO, Precision.values(), Placement::name, problems);
        ComputeDevice device = ConfigFields.choice(
                section, "device", at, ComputeDevice.CPU, ComputeDevice.values(), Placement::name, problems);
        return new Placement(precision, device);
    }

    /** Whether either field is set in {@code section}. */
    static boolean given(JsonNode section) {
        return Arrays.asList("precision", "device").stream().anyMatch(section::has);
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
