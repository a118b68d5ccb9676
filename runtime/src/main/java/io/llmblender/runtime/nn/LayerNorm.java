package io.llmblender.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** PyTorch's {@code nn.LayerNorm} over the last axis, with the model's own epsilon. Thread-safe. */
public record LayerNorm(NDArray gamma, NDArray beta, float eps) {
    public NDArray apply(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps)
                .singletonOrThrow();
    }
}
