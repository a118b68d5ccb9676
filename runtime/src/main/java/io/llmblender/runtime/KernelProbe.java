package io.llmblender.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.Linear;
import java.util.function.Function;

/**
 * Measures a {@link Kernel} on this machine the way {@link MatmulProbe} measures plain fp32: median GFLOP/s of a
 * model's linear and attention shapes, and the fixed cost of one call, so that {@code blender bench} can report
 * fp32 against bf16 on the machine it runs on. Not thread-safe; run it alone.
 */
public final class KernelProbe {
    private KernelProbe() {}

    /**
     * Median GFLOP/s of {@code reps} applications of an {@code in → out} layer with bias to {@code rows} rows
     * (PairRM's feed-forward at 512 tokens: 512, 1024, 4096). The layer is prepared once, outside the timing.
     *
     * @param kernel the kernel to measure
     * @param rows rows of the input
     * @param in the layer's input width
     * @param out the layer's output width
     * @param reps timed repetitions, after a warm-up
     * @return the median throughput in GFLOP/s (2·rows·in·out flops per application)
     */
    public static double linearGflops(Kernel kernel, int rows, int in, int out, int reps) {
        DjlRuntime.enterInference();
        try (NDManager m = DjlRuntime.newManager()) {
            Linear layer = kernel.linear(random(m, out, in), random(m, out));
            NDArray x = random(m, rows, in);
            return 2.0 * rows * in * out / medianSeconds(m, x, layer::apply, reps) / 1e9;
        }
    }

    /**
     * Median GFLOP/s of {@code reps} products {@code a × b}, e.g. attention's {@code [1,16,512,64] × [1,16,64,512]}.
     *
     * @param kernel the kernel to measure
     * @param a the left operand's shape
     * @param b the right operand's shape
     * @param reps timed repetitions, after a warm-up
     * @return the median throughput in GFLOP/s
     */
    public static double matMulGflops(Kernel kernel, Shape a, Shape b, int reps) {
        DjlRuntime.enterInference();
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray right = random(m, b.getShape());
            NDArray left = random(m, a.getShape());
            long k = a.get(a.dimension() - 1);
            double flops = 2.0 * (a.size() / k) * k * b.get(b.dimension() - 1);
            return flops / medianSeconds(m, left, x -> kernel.matMul(x, right), reps) / 1e9;
        }
    }

    /**
     * Median microseconds of a {@code [1,1] × [1,1]} product: the fixed cost of one kernel call.
     *
     * @param kernel the kernel to measure
     * @param reps timed repetitions, after a warm-up
     * @return the median time of one call in microseconds
     */
    public static double callMicros(Kernel kernel, int reps) {
        DjlRuntime.enterInference();
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray one = m.ones(new Shape(1, 1));
            return medianSeconds(m, one, x -> kernel.matMul(x, one), reps) * 1e6;
        }
    }

    /** Times {@code op} on a fresh copy of {@code input} in its own scope each time, after two warm-ups. */
    private static double medianSeconds(NDManager m, NDArray input, Function<NDArray, NDArray> op, int reps) {
        double[] seconds = new double[reps];
        for (int i = -2; i < reps; i++) {
            try (NDManager scope = m.newSubManager()) {
                NDArray x = input.duplicate();
                x.attach(scope);
                long t0 = System.nanoTime();
                op.apply(x); // eager and synchronous on the CPU engine
                long t1 = System.nanoTime();
                if (i >= 0) {
                    seconds[i] = (t1 - t0) / 1e9;
                }
            }
        }
        return MatmulProbe.median(seconds);
    }

    private static NDArray random(NDManager m, long... shape) {
        return m.randomUniform(-1f, 1f, new Shape(shape), DataType.FLOAT32);
    }
}
