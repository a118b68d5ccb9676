package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.nn.Linear;

/** The original T5 feed-forward (HF {@code T5DenseActDense}, {@code feed_forward_proj = "relu"}). Thread-safe. */
record T5DenseActDense(Linear wi, Linear wo) implements T5FeedForward {
    static T5DenseActDense load(T5Weights w, String prefix) {
        T5Config c = w.config();
        return new T5DenseActDense(
                w.linear(prefix + "wi.weight", c.dFf(), c.dModel()),
                w.linear(prefix + "wo.weight", c.dModel(), c.dFf()));
    }

    @Override
    public NDArray forward(NDArray x) {
        // h = ReLU(x·Wiᵀ), d_model -> d_ff
        NDArray h = wi.apply(x).maximum(0f);
        // back to d_model
        return wo.apply(h);
    }
}
