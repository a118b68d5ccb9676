package io.llmblender.cli.bench;

import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.kernel.CpuInfo;
import java.util.List;

/**
 * What a benchmark ran on, for its report: the CPU and the flags that decide the matmul paths, the engine and its
 * threads. Immutable.
 *
 * @param cpuFlags the flags found among {@link #REPORTED_FLAGS}
 * @param bf16Native whether bf16 runs on matrix units here (else a bf16 row is emulated and slow)
 */
public record Machine(
        String os,
        String arch,
        String cpu,
        int cores,
        List<String> cpuFlags,
        boolean bf16Native,
        String java,
        String torch,
        int threads) {
    /** The flags that change which kernels oneDNN and MKL pick for fp32 and bf16 matmuls. */
    public static final List<String> REPORTED_FLAGS = List.of(
            "amx_bf16", "amx_int8", "amx_tile", "avx512_bf16", "avx512f", "avx512_vnni", "avx_vnni", "avx2", "fma");

    /**
     * Copies the flags.
     *
     * @param os the operating system
     * @param arch the CPU architecture
     * @param cpu the CPU's model name
     * @param cores the available processors
     * @param cpuFlags the flags found among {@link #REPORTED_FLAGS}
     * @param bf16Native whether bf16 runs on matrix units here
     * @param java the Java version
     * @param torch the libtorch version
     * @param threads PyTorch's intra-op threads
     */
    public Machine {
        cpuFlags = List.copyOf(cpuFlags);
    }

    /**
     * This machine, engine started.
     *
     * @return the machine
     */
    public static Machine detect() {
        CpuInfo cpu = CpuInfo.detect();
        return new Machine(
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                cpu.model(),
                Runtime.getRuntime().availableProcessors(),
                REPORTED_FLAGS.stream().filter(cpu.flags()::contains).toList(),
                cpu.hasBf16(),
                System.getProperty("java.version"),
                DjlRuntime.engineVersion(),
                DjlRuntime.threads());
    }

    /**
     * One line for the report's header.
     *
     * @return the description
     */
    public String describe() {
        return String.format(
                "%s, %d cores, flags %s%s; %s %s, Java %s, PyTorch %s with %d threads",
                cpu,
                cores,
                cpuFlags,
                bf16Native ? "" : " (no bf16 units: bf16 rows are emulated)",
                os,
                arch,
                java,
                torch,
                threads);
    }
}
