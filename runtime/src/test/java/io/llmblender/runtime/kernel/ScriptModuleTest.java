package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptModuleTest {
    private static final String SOURCE = String.join(
            "\n",
            "class Counter(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  kept : List[Tensor]",
            "  def keep(self, t: Tensor) -> int:",
            "    self.kept.append(t.clone())",
            "    return len(self.kept)",
            "  def plus_kept(self, x: Tensor, i: Tensor) -> Tensor:",
            "    return x + self.kept[int(i)]",
            "  def grad_enabled(self, x: Tensor) -> Tensor:",
            "    return torch.ones([1]) * int(torch.is_grad_enabled())",
            "");

    private NDManager manager;
    private ScriptModule module;

    @BeforeEach
    void load() {
        DjlRuntime.enterInference();
        manager = DjlRuntime.newManager();
        module = ScriptModule.load(TorchScriptArchive.of("Counter", SOURCE).withEmptyList("kept", "List[Tensor]"));
    }

    @AfterEach
    void close() {
        module.close();
        manager.close();
    }

    @Test
    void an_update_keeps_state_that_later_calls_read() {
        // given a kept tensor, copied by the method
        NDArray kept = manager.create(new float[] {10f, 20f});
        assertThat(module.update("keep", kept)).isEqualTo(1L);
        kept.close();
        // when a call adds it to an input
        NDArray y = module.call("plus_kept", manager.create(new float[] {1f, 2f}), module.constant(0));
        // then
        assertThat(y.toFloatArray()).containsExactly(11f, 22f);
    }

    @Test
    void a_result_is_an_ordinary_tensor_of_the_first_arguments_manager_under_the_threads_grad_mode() {
        module.update("keep", manager.create(new float[] {1f}));
        try (NDManager pass = manager.newSubManager()) {
            NDArray y = module.call("plus_kept", pass.create(new float[] {1f}), module.constant(0));

            assertThat(y.getManager()).isSameAs(pass);
            y.addi(5f); // an inference tensor would refuse this
            assertThat(y.toFloatArray()).containsExactly(7f);
            // DjlRuntime.enterInference turned grad mode off on this thread, and the call runs under it
            assertThat(module.call("grad_enabled", pass.create(0f)).getFloat(0)).isEqualTo(0f);
        }
    }

    @Test
    void a_named_argument_is_passed_as_a_plain_tensor() {
        // DJL would read a dotted name as a dict key; a checkpoint tensor keeps its dotted key as its name
        NDArray kept = manager.create(new float[] {3f});
        module.update("keep", kept);
        NDArray x = manager.create(new float[] {1f});
        x.setName("encoder.layer.0.weight");

        NDArray y = module.call("plus_kept", x, module.constant(0));

        assertThat(y.toFloatArray()).containsExactly(4f);
        assertThat(x.getName()).isEqualTo("encoder.layer.0.weight");
    }

    @Test
    void an_unknown_method_names_the_methods_there_are() {
        assertThatThrownBy(() -> module.call("forward", manager.create(1f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Counter has no method 'forward'")
                .hasMessageContaining("grad_enabled, keep, plus_kept");
    }

    @Test
    void a_call_without_arguments_is_refused_because_nothing_would_own_its_result() {
        assertThatThrownBy(() -> module.call("grad_enabled"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Counter.grad_enabled needs a tensor argument");
    }

    @Test
    void a_failing_method_names_itself_and_its_argument_shapes() {
        // no tensor kept yet, so kept[0] is out of range
        assertThatThrownBy(() -> module.call("plus_kept", manager.create(new float[] {1f, 2f}), module.constant(0)))
                .isInstanceOf(BlenderException.class)
                .hasMessageContaining("Counter.plus_kept(float32(2), int64())")
                .hasMessageContaining("out of range");
    }

    @Test
    void calls_after_close_throw_and_close_is_idempotent() {
        NDArray index = module.constant(0);

        module.close();
        module.close();

        assertThat(index.isReleased()).isTrue(); // the module's constants go with it
        assertThatThrownBy(() -> module.call("plus_kept", manager.create(1f), index))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Counter.plus_kept was called after the module was closed");
        assertThatThrownBy(() -> module.update("keep", manager.create(1f))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> module.constant(1)).isInstanceOf(IllegalStateException.class);
    }
}
