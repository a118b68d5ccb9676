package io.llmblender.runtime.kernel;

import io.llmblender.runtime.ConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The number format of a model's heavy matmuls (linear layers, attention products); everything else stays
 * fp32. Chosen when a model loads ({@link Kernel#open(Precision)}); the model's math is written once.
 * Immutable; thread-safe.
 */
public enum Precision {
    /** Plain fp32 DJL operators: the exact path the parity fixtures check. */
    FP32,
    /**
     * bf16 operands with fp32 accumulation, through libtorch inside a TorchScript module (DJL itself cannot
     * hold a bf16 array). Fast only on CPUs with bf16 matrix units ({@code amx_bf16}, {@code avx512_bf16});
     * asked for explicitly on another CPU, it is refused unless emulation is allowed ({@link PrecisionPolicy}).
     */
    BF16,
    /** Not chosen: bf16 where the CPU has bf16 matrix units, otherwise fp32 after one warning. */
    AUTO;

    /**
     * {@code fp32}, {@code bf16} or {@code auto}, in any case; {@code field} names the setting in the error.
     *
     * @param text the user's setting, e.g. {@code "BF16"}
     * @param field the setting's name for the error, e.g. {@code blender.precision}
     * @return the precision named
     */
    public static Precision parse(String text, String field) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    null,
                    field,
                    "is '" + text + "'; use one of "
                            + Arrays.stream(values())
                                    .map(p -> p.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(", ")));
        }
    }
}
