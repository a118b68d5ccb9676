package io.llmblender.cli.bench;

import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.KernelProbe;
import io.llmblender.runtime.kernel.CpuInfo;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.kernel.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * What the model benchmarks share about precision: which ones a {@code --precision} list asks for, their names in
 * reports, and the yardstick each is measured against (a square matmul through that precision's kernel, in the
 * same process). Stateless.
 */
public final class BenchPrecisions {
    private BenchPrecisions() {}

    /**
     * The precisions to measure, in the order given.
     *
     * @param requested {@code fp32} and/or {@code bf16}; null or empty: both where the CPU has bf16 units, else
     *     fp32 (bf16 elsewhere is emulated and slow)
     * @param commandLine the command, for a usage error
     * @return {@code FP32} and/or {@code BF16}
     */
    public static List<Precision> parse(List<String> requested, CommandLine commandLine) {
        if (requested == null || requested.isEmpty()) {
            return CpuInfo.detect().hasBf16() ? List.of(Precision.FP32, Precision.BF16) : List.of(Precision.FP32);
        }
        List<Precision> out = new ArrayList<>();
        for (String p : requested) {
            Precision parsed = Precision.parse(p, "--precision");
            if (parsed == Precision.AUTO) {
                throw new CommandLine.ParameterException(
                        commandLine, "--precision takes fp32 and/or bf16; auto is not a measurement");
            }
            out.add(parsed);
        }
        return out;
    }

    /**
     * The report's name of a precision.
     *
     * @param p the precision
     * @return {@code fp32} or {@code bf16}
     */
    public static String name(Precision p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The yardstick: median GFLOP/s of a square matmul through a kernel of {@code precision}.
     *
     * @param precision the kernel's precision
     * @param size the matmul's side (2048 in the reference figures)
     * @param log told what is being measured
     * @return GFLOP/s
     */
    public static double matmulGflops(Precision precision, int size, Consumer<String> log) {
        log.accept("measuring the " + name(precision) + " " + size + "² matmul ...");
        try (Kernel kernel = Kernel.open(precision)) {
            Shape square = new Shape(size, size);
            return KernelProbe.matMulGflops(kernel, square, square, 9);
        }
    }
}
