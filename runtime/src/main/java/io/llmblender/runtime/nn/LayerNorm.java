package io.llmblender.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's {@code nn.LayerNorm} over the last axis, with the model's own epsilon. Thread-safe.
 *
 * @param gamma the scale, {@code [hidden]}
 * @param beta the shift, {@code [hidden]}
 * @param eps added to the variance
 */
public record LayerNorm(NDArray gamma, NDArray beta, float eps) {
    /**
     * Normalises {@code x} over its last axis, then scales by {@code gamma} and shifts by {@code beta}.
     *
     * @param x the input, {@code [..., hidden]} with hidden equal to {@code gamma}'s length
     * @return a new array of {@code x}'s shape, in {@code x}'s manager
     */
    public NDArray apply(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps)
                .singletonOrThrow();
    }
}
