package io.llmblender.runtime.kernel;

import static io.llmblender.runtime.kernel.Reference.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.nn.Linear;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fp32 kernel must be today's math to the bit: the parity fixtures check it. */
class Fp32KernelTest {
    private NDManager manager;
    private Kernel kernel;

    @BeforeEach
    void open() {
        DjlRuntime.enterInference();
        manager = DjlRuntime.newManager();
        CpuInfo withBf16 = new CpuInfo("test CPU", Set.of("amx_bf16")); // FP32 is granted even where bf16 is fast
        kernel = Kernel.open(Precision.FP32, new PrecisionPolicy(withBf16, Precision.AUTO, false, w -> {}));
    }

    @AfterEach
    void close() {
        kernel.close();
        manager.close();
    }

    @Test
    void fp32_linear_is_bit_identical_to_djls_linear_with_and_without_bias() {
        NDArray x = random(manager, 1, 2, 5, 24);
        NDArray w = random(manager, 2, 16, 24);
        NDArray b = random(manager, 3, 16);
        float[] withBias =
                ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow().toFloatArray();
        float[] withoutBias =
                ai.djl.nn.core.Linear.linear(x, w, null).singletonOrThrow().toFloatArray();

        assertThat(kernel.precision()).isEqualTo(Precision.FP32);
        assertThat(kernel.linear(w, b).apply(x).toFloatArray()).containsExactly(withBias);
        assertThat(kernel.linear(w, null).apply(x).toFloatArray()).containsExactly(withoutBias);
        assertThat(new Linear(w, b).apply(x).toFloatArray()).containsExactly(withBias);
    }

    @Test
    void fp32_linear_keeps_the_weights_it_was_given() {
        NDArray w = random(manager, 4, 3, 4);
        NDArray b = random(manager, 5, 3);

        Linear layer = kernel.linear(w, b);

        assertThat(layer.hasArrays()).isTrue();
        assertThat(layer.weight()).isSameAs(w);
        assertThat(layer.bias()).isSameAs(b);
        assertThat(w.isReleased()).isFalse();
    }

    @Test
    void fp32_matmul_is_bit_identical_to_djls_matmul_in_4d() {
        NDArray q = random(manager, 6, 1, 4, 7, 8);
        NDArray kT = random(manager, 7, 1, 4, 8, 7);

        assertThat(kernel.matMul(q, kT).toFloatArray())
                .containsExactly(q.matMul(kT).toFloatArray());
    }

    @Test
    void fused_attention_matches_softmax_of_scores_plus_bias_times_values() {
        // given two heads of 5 queries over 7 keys, a full bias, and one key masked with the float32 minimum
        NDArray q = random(manager, 9, 1, 2, 5, 8);
        NDArray k = random(manager, 10, 1, 2, 7, 8);
        NDArray v = random(manager, 11, 1, 2, 7, 8);
        float[] bias = random(manager, 12, 1, 2, 5, 7).mul(3).toFloatArray();
        for (int row = 0; row < 2 * 5; row++) {
            bias[row * 7 + 4] = -Float.MAX_VALUE;
        }
        double[] expected =
                Reference.attention(q.toFloatArray(), k.toFloatArray(), v.toFloatArray(), bias, 2, 5, 7, 8)[0];
        double[] withoutKey4 = Reference.attention(
                q.toFloatArray(),
                withoutKey(k.toFloatArray(), 7, 8, 4),
                withoutKey(v.toFloatArray(), 7, 8, 4),
                withoutKey(bias, 7, 1, 4),
                2,
                5,
                6,
                8)[0];
        // when
        float[] context = kernel.attention(q, k, v, manager.create(bias, new Shape(1, 2, 5, 7)))
                .toFloatArray();
        // then the fp32 result is the double one to fp32 rounding, and the masked key has no weight at all
        assertThat(context).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) context[i]).as("entry %d", i).isCloseTo(expected[i], within(1e-5));
            assertThat(expected[i]).as("entry %d without key 4", i).isCloseTo(withoutKey4[i], within(1e-12));
        }
    }

    @Test
    void fused_attention_broadcasts_a_bias_over_heads_and_queries() {
        // given a padding-style bias [1, 1, 1, L]: the same per key for every head and query
        NDArray q = random(manager, 13, 1, 3, 4, 8);
        NDArray k = random(manager, 14, 1, 3, 6, 8);
        NDArray v = random(manager, 15, 1, 3, 6, 8);
        float[] perKey = random(manager, 16, 6).toFloatArray();
        float[] full = new float[3 * 4 * 6];
        for (int i = 0; i < full.length; i++) {
            full[i] = perKey[i % 6];
        }
        double[] expected =
                Reference.attention(q.toFloatArray(), k.toFloatArray(), v.toFloatArray(), full, 3, 4, 6, 8)[0];

        NDArray context = kernel.attention(q, k, v, manager.create(perKey).reshape(1, 1, 1, 6));

        assertThat(context.getShape()).isEqualTo(new Shape(1, 3, 4, 8));
        float[] actual = context.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("entry %d", i).isCloseTo(expected[i], within(1e-5));
        }
    }

    /**
     * {@code values} laid out as {@code [..., n, width]} (keys or values: width d; a bias: width 1, keys last)
     * without key {@code key}.
     */
    private static float[] withoutKey(float[] values, int n, int width, int key) {
        float[] kept = new float[values.length / n * (n - 1)];
        int out = 0;
        for (int i = 0; i < values.length; i++) {
            if ((i / width) % n != key) {
                kept[out++] = values[i];
            }
        }
        return kept;
    }

    @Test
    void the_fp32_kernel_refuses_work_after_close() {
        NDArray a = random(manager, 8, 2, 2);

        kernel.close();
        kernel.close();

        assertThatThrownBy(() -> kernel.matMul(a, a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()");
        NDArray q = random(manager, 17, 1, 1, 2, 4);
        assertThatThrownBy(() -> kernel.attention(q, q, q, q.zerosLike()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()");
    }
}
