package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.Linear;

/**
 * A T5 checkpoint as the model's parts take it: each part asks for its own keys, and every projection comes
 * through {@link #linear}, which hands it to the model's {@link Kernel}: the precision the matmuls run in is
 * chosen here, once, at load, without a second copy of any forward pass (a bf16 kernel keeps a bf16 copy and
 * frees the fp32 array at once). Parts take their keys in the order the model always
 * took them (a sublayer's projections before its norm), because {@link T5Model#synthetic} draws random weights in
 * that order and a benchmark's model should not change with the code's layout. Not thread-safe; one model loads
 * on one thread.
 */
record T5Weights(StateDict dict, T5Config config, Kernel kernel) {
    /** A bias-free projection (T5 has no biases) stored {@code [out, in]}, as checkpoints hold it, on the kernel. */
    Linear linear(String key, long out, long in) {
        return kernel.linear(dict.take(key, out, in), null);
    }

    /** A layer norm's weight, {@code [d_model]}. */
    T5LayerNorm layerNorm(String key) {
        return new T5LayerNorm(dict.take(key, config.dModel()), config.layerNormEpsilon());
    }

    NDArray take(String key, long... shape) {
        return dict.take(key, shape);
    }
}
