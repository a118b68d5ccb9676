package io.llmblender.runtime.kernel;

import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.DjlRuntime;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a requested {@link Precision} into the one a model runs in, on this CPU:
 * <ul>
 *   <li>{@code FP32} is always granted;</li>
 *   <li>{@code BF16}, chosen explicitly, is granted where the CPU has bf16 matrix units ({@link CpuInfo#hasBf16()})
 *       and refused elsewhere with a {@link ConfigException} that names the missing flags and the CPU, because
 *       bf16 there is several times <em>slower</em> than fp32;</li>
 *   <li>{@code AUTO} (nothing chosen) becomes {@code BF16} where supported and {@code FP32} elsewhere, after
 *       exactly one warning from this policy however often it resolves.</li>
 * </ul>
 * A request of {@code AUTO} defers to the user's setting {@code -Dblender.precision} when there is one, and
 * {@code -Dblender.bf16.emulate=true} grants bf16 on any CPU (libtorch computes it correctly, only slowly), for
 * tests and benchmarks. Both are read through {@link DjlRuntime}.
 *
 * <p>Thread-safe.
 */
public final class PrecisionPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(PrecisionPolicy.class);

    private final CpuInfo cpu;
    private final Precision configured;
    private final boolean emulateBf16;
    private final Consumer<String> warnings;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * A policy for {@code cpu} with the user's settings; {@link #fromEnvironment()} builds the real one.
     *
     * @param cpu the CPU to decide for
     * @param configured the user's setting, used when a request is {@code AUTO}; {@code AUTO} if none
     * @param emulateBf16 grant bf16 on a CPU without bf16 units
     * @param warnings where the fallback warning goes
     */
    public PrecisionPolicy(CpuInfo cpu, Precision configured, boolean emulateBf16, Consumer<String> warnings) {
        this.cpu = cpu;
        this.configured = configured;
        this.emulateBf16 = emulateBf16;
        this.warnings = warnings;
    }

    /**
     * This machine's CPU, the user's {@code -Dblender.*} settings, warnings to SLF4J.
     *
     * @return the policy for this process
     */
    public static PrecisionPolicy fromEnvironment() {
        return new PrecisionPolicy(
                CpuInfo.detect(),
                Precision.parse(DjlRuntime.precisionSetting(), "-D" + DjlRuntime.PRECISION_PROPERTY),
                DjlRuntime.bf16Emulation(),
                LOG::warn);
    }

    /**
     * The precision to run in: {@code FP32} or {@code BF16}, never {@code AUTO}.
     *
     * @param requested what the user asked for
     * @return {@code FP32} or {@code BF16}
     */
    public Precision resolve(Precision requested) {
        Precision wanted = requested == Precision.AUTO ? configured : requested;
        boolean bf16Fast = cpu.hasBf16() || emulateBf16;
        switch (wanted) {
            case FP32:
                return Precision.FP32;
            case BF16:
                if (!bf16Fast) {
                    throw new ConfigException(
                            null,
                            "precision",
                            "is bf16, but this CPU (" + cpu.model() + ") has neither " + missing()
                                    + ", so bf16 matmuls would run emulated, several times slower than fp32. "
                                    + "Choose fp32 (or leave the precision unset to get the fastest), or set -D"
                                    + DjlRuntime.BF16_EMULATE_PROPERTY + "=true to run bf16 anyway.");
                }
                return Precision.BF16;
            default: // AUTO: nothing chosen anywhere
                if (bf16Fast) {
                    return Precision.BF16;
                }
                if (warned.compareAndSet(false, true)) {
                    warnings.accept("precision not chosen: this CPU (" + cpu.model() + ") has neither " + missing()
                            + ", so the matmuls run in fp32, where bf16 would be slower. Set -D"
                            + DjlRuntime.PRECISION_PROPERTY + "=fp32 to say so and silence this warning.");
                }
                return Precision.FP32;
        }
    }

    private static String missing() {
        return String.join(" nor ", CpuInfo.BF16_FLAGS); // hasBf16() is false, so every one of them is missing
    }
}
