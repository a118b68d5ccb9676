package io.llmblender.runtime.kernel;

import static io.llmblender.runtime.kernel.Reference.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
    void the_fp32_kernel_refuses_work_after_close() {
        NDArray a = random(manager, 8, 2, 2);

        kernel.close();
        kernel.close();

        assertThatThrownBy(() -> kernel.matMul(a, a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()");
    }
}
