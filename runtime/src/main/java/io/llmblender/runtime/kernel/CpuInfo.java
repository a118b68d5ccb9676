package io.llmblender.runtime.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this CPU is and which feature flags it reports, as far as bf16 is concerned. Read from
 * {@code /proc/cpuinfo} on Linux; elsewhere nothing is known and bf16 counts as unsupported. Immutable;
 * thread-safe.
 *
 * @param model the CPU's model name, for messages ({@code "unknown CPU"} when it cannot be read)
 * @param flags the kernel's feature flags, e.g. {@code avx2}, {@code amx_bf16}
 */
public record CpuInfo(String model, Set<String> flags) {
    /**
     * Either flag means the CPU multiplies bf16 in hardware: AMX tiles (Sapphire Rapids and later) or the
     * AVX-512 bf16 dot products (Cooper Lake, Zen 4). Without them libtorch still computes bf16 correctly, but
     * in a generic kernel several times slower than fp32.
     */
    public static final List<String> BF16_FLAGS = List.of("amx_bf16", "avx512_bf16");

    private static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

    /**
     * Copies {@code flags}, so the record stays immutable.
     *
     * @param model the CPU's model name, for messages
     * @param flags the kernel's feature flags; copied
     */
    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    /**
     * This machine's CPU.
     *
     * @return the model and flags of {@code /proc/cpuinfo}, or an unknown CPU with no flags where it cannot be read
     */
    public static CpuInfo detect() {
        if (!Files.isReadable(PROC_CPUINFO)) {
            return new CpuInfo("unknown CPU (no /proc/cpuinfo)", Set.of());
        }
        try {
            return parse(Files.readString(PROC_CPUINFO));
        } catch (IOException e) {
            return new CpuInfo("unknown CPU (" + PROC_CPUINFO + ": " + e.getMessage() + ")", Set.of());
        }
    }

    /**
     * Parses the text of {@code /proc/cpuinfo}: the first processor's {@code model name} and {@code flags}.
     *
     * @param cpuinfo the file's text
     * @return the first processor's model name and flags ({@code "unknown CPU"} and none if the text lacks them)
     */
    public static CpuInfo parse(String cpuinfo) {
        String model = null;
        Set<String> flags = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name")) {
                model = value;
            } else if (flags == null && key.equals("flags")) {
                flags = new TreeSet<>(Arrays.asList(value.split("\\s+")));
            }
        }
        return new CpuInfo(model == null ? "unknown CPU" : model, flags == null ? Set.of() : flags);
    }

    /**
     * Whether the CPU has bf16 matrix units: any of {@link #BF16_FLAGS}.
     *
     * @return true if the CPU multiplies bf16 in hardware, so bf16 runs faster than fp32
     */
    public boolean hasBf16() {
        return BF16_FLAGS.stream().anyMatch(flags::contains);
    }
}
