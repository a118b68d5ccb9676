package io.llmblender.runtime.kernel;

import static io.llmblender.runtime.kernel.Reference.assertBf16Close;
import static io.llmblender.runtime.kernel.Reference.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.nn.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bf16 kernel on small shapes, against plain-Java products with the bf16 error bound of {@link Reference}.
 * The kernel is granted by emulation, so the tests run the same on any CPU.
 */
class Bf16KernelTest {
    private static final CpuInfo NO_BF16 = new CpuInfo("test CPU", Set.of("avx2"));

    private NDManager manager;
    private Bf16Kernel kernel;

    @BeforeEach
    void open() {
        DjlRuntime.enterInference();
        manager = DjlRuntime.newManager();
        kernel = (Bf16Kernel) Kernel.open(Precision.BF16, new PrecisionPolicy(NO_BF16, Precision.AUTO, true, w -> {}));
    }

    @AfterEach
    void close() {
        kernel.close();
        manager.close();
    }

    @Test
    void bf16_linear_matches_fp32_within_bf16_rounding() {
        // given a [2, 3, 16] input and a 16 -> 8 layer with bias
        NDArray x = random(manager, 1, 2, 3, 16);
        NDArray w = random(manager, 2, 8, 16);
        NDArray b = random(manager, 3, 8);
        double[][] expected = Reference.linear(x.toFloatArray(), w.toFloatArray(), b.toFloatArray(), 6, 16, 8);
        // when
        Linear layer = kernel.linear(w, b);
        NDArray y = layer.apply(x);
        // then
        assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 8));
        assertBf16Close(y.toFloatArray(), expected);
    }

    @Test
    void bf16_linear_without_bias_matches_within_bf16_rounding() {
        NDArray x = random(manager, 4, 5, 32);
        NDArray w = random(manager, 5, 12, 32);
        double[][] expected = Reference.linear(x.toFloatArray(), w.toFloatArray(), null, 5, 32, 12);

        NDArray y = kernel.linear(w, null).apply(x);

        assertBf16Close(y.toFloatArray(), expected);
    }

    @Test
    void bf16_matmul_of_4d_attention_shapes_matches_within_bf16_rounding() {
        // given [B, N, L, d] x [B, N, d, L] as in attention scores
        NDArray q = random(manager, 6, 1, 2, 3, 8);
        NDArray kT = random(manager, 7, 1, 2, 8, 5);
        double[][] expected = Reference.matmul(q.toFloatArray(), kT.toFloatArray(), 2, 3, 8, 5);
        // when
        NDArray scores = kernel.matMul(q, kT);
        // then
        assertThat(scores.getShape()).isEqualTo(new Shape(1, 2, 3, 5));
        assertBf16Close(scores.toFloatArray(), expected);
    }

    @Test
    void bf16_matmul_broadcasts_a_shared_right_operand_like_torch_matmul() {
        // given a [2, 3, 4] batch times one [4, 6] matrix, which torch.matmul broadcasts over the batch
        NDArray a = random(manager, 8, 2, 3, 4);
        NDArray b = random(manager, 9, 4, 6);
        float[] bb = b.toFloatArray();
        float[] stacked = new float[2 * bb.length];
        System.arraycopy(bb, 0, stacked, 0, bb.length);
        System.arraycopy(bb, 0, stacked, bb.length, bb.length);
        double[][] expected = Reference.matmul(a.toFloatArray(), stacked, 2, 3, 4, 6);

        NDArray y = kernel.matMul(a, b);

        assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 6));
        assertBf16Close(y.toFloatArray(), expected);
    }

    @Test
    void bf16_attention_is_softmax_of_bf16_scores_plus_bias_times_values_within_its_bound() {
        // given two heads of 3 queries over 5 keys with a full bias
        NDArray q = random(manager, 21, 1, 2, 3, 8);
        NDArray k = random(manager, 22, 1, 2, 5, 8);
        NDArray v = random(manager, 23, 1, 2, 5, 8);
        NDArray bias = random(manager, 24, 1, 2, 3, 5);
        double[][] expected = Reference.attention(
                q.toFloatArray(), k.toFloatArray(), v.toFloatArray(), bias.toFloatArray(), 2, 3, 5, 8);
        // when
        NDArray context = kernel.attention(q, k, v, bias);
        // then: within the bound of bf16 scores and a bf16 product with v, and rounded to bf16 by that product
        assertThat(context.getShape()).isEqualTo(new Shape(1, 2, 3, 8));
        assertBf16Close(context.toFloatArray(), expected);
    }

    @Test
    void outputs_are_fp32_arrays_of_the_callers_manager_and_take_in_place_ops() {
        Linear layer = kernel.linear(random(manager, 10, 4, 8), random(manager, 11, 4));
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = random(pass, 12, 3, 8);

            NDArray y = layer.apply(x);
            NDArray s = kernel.matMul(x, x.transpose());

            assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(s.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(y.getManager()).isSameAs(pass);
            assertThat(s.getManager()).isSameAs(pass);
            // ordinary tensors, not inference tensors: model code adds score terms in place
            float before = s.getFloat(0, 0);
            s.addi(1f);
            assertThat(s.getFloat(0, 0)).isEqualTo(before + 1f);
        }
    }

    @Test
    void the_fp32_weights_are_closed_once_the_layer_is_prepared() {
        NDArray w = random(manager, 13, 4, 8);
        NDArray b = random(manager, 14, 4);

        Linear layer = kernel.linear(w, b);

        assertThat(w.isReleased()).isTrue();
        assertThat(b.isReleased()).isTrue();
        assertThat(layer.hasArrays()).isFalse();
        assertThat(layer.out()).isEqualTo(4);
        assertThat(layer.in()).isEqualTo(8);
        assertThatThrownBy(layer::weight)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kernel");
    }

    @Test
    void memory_stays_flat_over_many_calls_in_scoped_passes() {
        Linear layer = kernel.linear(random(manager, 15, 16, 16), random(manager, 16, 16));
        NDArray x = random(manager, 17, 4, 16);
        int callerArrays = manager.getManagedArrays().size();
        int moduleArrays = kernel.ownedArrays();

        for (int i = 0; i < 200; i++) {
            try (NDManager pass = manager.newSubManager()) {
                NDArray h = x.duplicate();
                h.attach(pass);
                kernel.matMul(layer.apply(h), h.transpose());
            }
        }

        assertThat(manager.getManagedArrays()).hasSize(callerArrays);
        assertThat(kernel.ownedArrays()).isEqualTo(moduleArrays);
    }

    @Test
    void a_call_after_close_throws_a_clear_exception_and_close_is_idempotent() {
        Linear layer = kernel.linear(random(manager, 18, 4, 8), null);
        NDArray x = random(manager, 19, 2, 8);

        kernel.close();
        kernel.close();

        assertThatThrownBy(() -> layer.apply(x))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Bf16Kernel.linear")
                .hasMessageContaining("after the module was closed");
        assertThatThrownBy(() -> kernel.matMul(x, x.transpose()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> kernel.linear(random(manager, 20, 4, 8), null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void calls_from_several_threads_give_the_single_threaded_results() throws Exception {
        // given four layers and inputs, and their results computed on this thread
        List<Linear> layers = new ArrayList<>();
        List<NDArray> inputs = new ArrayList<>();
        List<float[]> alone = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            layers.add(kernel.linear(random(manager, 100 + i, 24, 32), random(manager, 200 + i, 24)));
            inputs.add(random(manager, 300 + i, 6, 32));
            alone.add(layers.get(i).apply(inputs.get(i)).toFloatArray());
        }
        // when four threads call the module at once, each on its own layer, many times
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int i = t;
                runs.add(pool.submit(() -> {
                    DjlRuntime.enterInference();
                    List<float[]> results = new ArrayList<>();
                    for (int r = 0; r < 25; r++) {
                        try (NDManager pass = manager.newSubManager()) {
                            NDArray x = inputs.get(i).duplicate();
                            x.attach(pass);
                            results.add(layers.get(i).apply(x).toFloatArray());
                        }
                    }
                    return results;
                }));
            }
            // then every result equals the one computed alone
            for (int t = 0; t < 4; t++) {
                for (float[] result : runs.get(t).get()) {
                    assertThat(result).containsExactly(alone.get(t));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void only_fp32_arrays_go_in() {
        NDArray ints = manager.create(new int[] {1, 2, 3, 4}, new Shape(2, 2));
        NDArray x = random(manager, 21, 2, 2);

        assertThatThrownBy(() -> kernel.linear(ints, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fp32 [out, in]");
        assertThatThrownBy(() -> kernel.matMul(x, ints))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b is int32");
        assertThatThrownBy(() -> kernel.linear(random(manager, 22, 2, 2), random(manager, 23, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias");
    }
}
