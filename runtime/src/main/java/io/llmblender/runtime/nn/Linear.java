package io.llmblender.runtime.nn;

import ai.djl.ndarray.NDArray;

/**
 * PyTorch's {@code nn.Linear}: {@code y = x·Wᵀ + b}, with the weight stored {@code [out, in]} as checkpoints
 * hold it. Stateless apart from its two weight arrays; thread-safe.
 *
 * @param bias may be null for a linear layer without bias (T5)
 */
public record Linear(NDArray weight, NDArray bias) {
    public NDArray apply(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    public long in() {
        return weight.getShape().get(1);
    }

    public long out() {
        return weight.getShape().get(0);
    }
}
