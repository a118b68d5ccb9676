package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Independent plain-Java arithmetic for the kernel tests: products in double from the fp32 inputs, and the error
 * bound of a bf16 matmul, so that no expected value comes from torch.
 */
final class Reference {
    /**
     * bf16 keeps 8 significant bits, so rounding to nearest changes a value by at most u = 2⁻⁹ of itself. A bf16
     * matmul rounds both operands (each product is then off by at most (2u + u²)·|a·b|), accumulates in fp32
     * (error ~K·2⁻²⁴, negligible here), and rounds the sum, and the bias, once more: |y − ŷ| ≤ 3u·(Σ|a·b| + |bias|)
     * up to terms of order u², which the factor 3 (instead of 2 + 1 on different terms) covers.
     */
    static final double BF16_UNIT = 0x1p-9;

    private Reference() {}

    /** Uniform values in [-1, 1) from a seeded generator, as an fp32 array. */
    static NDArray random(NDManager manager, long seed, long... shape) {
        Shape s = new Shape(shape);
        float[] values = new float[Math.toIntExact(s.size())];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return manager.create(values, s);
    }

    /** {@code x·Wᵀ + b} in double, with the bound of every entry: {@code [rows × out]} each. */
    static double[][] linear(float[] x, float[] w, float[] b, int rows, int in, int out) {
        double[] y = new double[rows * out];
        double[] bound = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = b == null ? 0 : b[o];
                double magnitude = b == null ? 0 : Math.abs(b[o]);
                for (int k = 0; k < in; k++) {
                    double p = (double) x[r * in + k] * w[o * in + k];
                    sum += p;
                    magnitude += Math.abs(p);
                }
                y[r * out + o] = sum;
                bound[r * out + o] = 3 * BF16_UNIT * magnitude;
            }
        }
        return new double[][] {y, bound};
    }

    /** {@code a·b} in double for {@code batch} stacked {@code [m, k] × [k, n]} products, with bounds. */
    static double[][] matmul(float[] a, float[] b, int batch, int m, int k, int n) {
        double[] y = new double[batch * m * n];
        double[] bound = new double[batch * m * n];
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int q = 0; q < k; q++) {
                        double p = (double) a[(t * m + i) * k + q] * b[(t * k + q) * n + j];
                        sum += p;
                        magnitude += Math.abs(p);
                    }
                    y[(t * m + i) * n + j] = sum;
                    bound[(t * m + i) * n + j] = 3 * BF16_UNIT * magnitude;
                }
            }
        }
        return new double[][] {y, bound};
    }

    /**
     * {@code softmax(q·kᵀ + bias)·v} in double for {@code heads} stacked {@code [m, d]} queries over {@code [n, d]}
     * keys and values, {@code bias} given in full ({@code [heads, m, n]}), with the bound of a bf16 computation of
     * it: the scores' error ε ≤ 3u·Σ|q·k| scales each weight by at most e^{±ε}, so after normalising each moves by
     * at most (e^{2ε} − 1) of itself, and the bf16 product with v adds 3u·Σ p·|v| (u = {@link #BF16_UNIT}).
     */
    static double[][] attention(float[] q, float[] k, float[] v, float[] bias, int heads, int m, int n, int d) {
        double[] y = new double[heads * m * d];
        double[] bound = new double[heads * m * d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < m; i++) {
                double[] scores = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                double epsilon = 0;
                for (int j = 0; j < n; j++) {
                    double dot = bias[(h * m + i) * n + j];
                    double magnitude = 0;
                    for (int t = 0; t < d; t++) {
                        double p = (double) q[(h * m + i) * d + t] * k[(h * n + j) * d + t];
                        dot += p;
                        magnitude += Math.abs(p);
                    }
                    scores[j] = dot;
                    max = Math.max(max, dot);
                    epsilon = Math.max(epsilon, 3 * BF16_UNIT * magnitude);
                }
                double total = 0;
                for (int j = 0; j < n; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                double spread = Math.exp(2 * epsilon) - 1;
                for (int t = 0; t < d; t++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int j = 0; j < n; j++) {
                        double p = scores[j] / total;
                        sum += p * v[(h * n + j) * d + t];
                        magnitude += p * Math.abs(v[(h * n + j) * d + t]);
                    }
                    y[(h * m + i) * d + t] = sum;
                    bound[(h * m + i) * d + t] = (spread + 3 * BF16_UNIT * (1 + spread)) * magnitude;
                }
            }
        }
        return new double[][] {y, bound};
    }

    /** Every entry within its bound, and every entry a bf16 value (its low 16 bits zero): it went through bf16. */
    static void assertBf16Close(float[] actual, double[][] expected) {
        double[] y = expected[0];
        double[] bound = expected[1];
        assertThat(actual).hasSize(y.length);
        for (int i = 0; i < y.length; i++) {
            int index = i;
            assertThat(Math.abs(actual[i] - y[i]))
                    .as("entry %d: %s vs reference %s, bound %s", index, actual[i], y[i], bound[i])
                    .isLessThanOrEqualTo(bound[i]);
            assertThat(Float.floatToRawIntBits(actual[i]) & 0xFFFF)
                    .as("entry %d = %s is not a bf16 value", index, actual[i])
                    .isZero();
        }
    }
}
