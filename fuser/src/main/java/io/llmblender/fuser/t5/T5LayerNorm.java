package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;

/**
 * T5's layer norm (HF {@code T5LayerNorm}): a root-mean-square norm over the last axis with a learned scale,
 * no mean subtraction and no bias, {@code x · w / sqrt(mean(x²) + ε)}. Immutable; thread-safe.
 */
record T5LayerNorm(NDArray weight, float eps) {
    NDArray forward(NDArray x) {
        // the mean of squares over d_model (HF calls it the variance; nothing is subtracted)
        NDArray variance = x.square().mean(new int[] {-1}, true);
        // divide by the root mean square, then scale each channel
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }
}
