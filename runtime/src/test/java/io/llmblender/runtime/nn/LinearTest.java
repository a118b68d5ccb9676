package io.llmblender.runtime.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.DjlRuntime;
import org.junit.jupiter.api.Test;

class LinearTest {
    @Test
    void a_layer_from_arrays_computes_x_times_w_transposed_plus_b() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray w = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            NDArray b = m.create(new float[] {10, 20});
            Linear layer = new Linear(w, b);

            NDArray y = layer.apply(m.create(new float[] {1, 0, -1}, new Shape(1, 3)));

            assertThat(y.toFloatArray()).containsExactly(1 - 3 + 10, 4 - 6 + 20);
            assertThat(layer.out()).isEqualTo(2);
            assertThat(layer.in()).isEqualTo(3);
            assertThat(layer.weight()).isSameAs(w);
            assertThat(layer.bias()).isSameAs(b);
        }
    }

    @Test
    void a_layer_computed_elsewhere_applies_its_product_and_says_where_its_weights_are() {
        try (NDManager m = DjlRuntime.newManager()) {
            Linear doubling = Linear.computedBy(3, 3, x -> x.mul(2));

            assertThat(doubling.apply(m.create(new float[] {1, 2, 3})).toFloatArray())
                    .containsExactly(2, 4, 6);
            assertThat(doubling.hasArrays()).isFalse();
            assertThatThrownBy(doubling::weight)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("3 x 3 layer's weight lives inside its kernel");
            assertThatThrownBy(doubling::bias).isInstanceOf(IllegalStateException.class);
        }
    }
}
