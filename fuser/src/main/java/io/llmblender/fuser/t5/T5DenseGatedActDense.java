package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.nn.Linear;

/**
 * T5 v1.1 / Flan-T5's gated-GELU feed-forward (HF {@code T5DenseGatedActDense}, {@code feed_forward_proj =
 * "gated-gelu"}; Shazeer, 2020, "GLU Variants Improve Transformer"): {@code wo(gelu_new(wi_0 x) · wi_1 x)} with
 * the tanh approximation of GELU ({@code dense_act_fn = "gelu_new"}). Thread-safe.
 */
record T5DenseGatedActDense(Linear wi0, Linear wi1, Linear wo) implements T5FeedForward {
    static T5DenseGatedActDense load(T5Weights w, String prefix) {
        T5Config c = w.config();
        return new T5DenseGatedActDense(
                w.linear(prefix + "wi_0.weight", c.dFf(), c.dModel()),
                w.linear(prefix + "wi_1.weight", c.dFf(), c.dModel()),
                w.linear(prefix + "wo.weight", c.dModel(), c.dFf()));
    }

    @Override
    public NDArray forward(NDArray x) {
        // the gate's pre-activation, d_model -> d_ff
        NDArray h = wi0.apply(x);
        // gelu_new(h) = 0.5·h·(1 + tanh(√(2/π)·(h + 0.044715·h³))), HF NewGELUActivation
        NDArray inner = h.add(h.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
        // gate times the linear branch wi_1 x
        h = h.mul(0.5f).mul(inner.tanh().add(1f)).mul(wi1.apply(x));
        // back to d_model
        return wo.apply(h);
    }
}
