package io.llmblender.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Measures what this machine's torch does on a plain fp32 square matmul, the yardstick a model benchmark
 * divides by: a forward pass can be judged as a fraction of the machine's own matmul speed, measured in the
 * same process and run. Not thread-safe; run it alone.
 */
public final class MatmulProbe {
    private MatmulProbe() {}

    /**
     * Median GFLOP/s of {@code reps} products of two {@code n×n} fp32 matrices, after one warm-up.
     *
     * @param n the matrices' side
     * @param reps timed repetitions
     * @return the median throughput in GFLOP/s (2·n³ flops per product)
     */
    public static double gflops(int n, int reps) {
        DjlRuntime.enterInference();
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n), DataType.FLOAT32);
            double[] seconds = new double[reps];
            for (int i = -2; i < reps; i++) { // two warm-ups: thread pool start, first-touch of the output
                try (NDManager scope = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    a.matMul(b).attach(scope); // eager and synchronous on the CPU engine
                    long t1 = System.nanoTime();
                    if (i >= 0) {
                        seconds[i] = (t1 - t0) / 1e9;
                    }
                }
            }
            return 2.0 * n * n * n / median(seconds) / 1e9;
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
