package io.llmblender.runtime.nn;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * PyTorch's {@code nn.Linear}: {@code y = x·Wᵀ + b}, with the weight stored {@code [out, in]} as checkpoints
 * hold it.
 *
 * <p>A layer made from its arrays ({@code new Linear(weight, bias)}) computes in fp32 with DJL's own operator.
 * A layer made by a kernel ({@code kernel.linear(weight, bias)} in {@code io.llmblender.runtime.kernel}) computes
 * the way that kernel does, e.g. with bf16 weights inside libtorch, and holds no DJL weight arrays. Model code
 * calls {@link #apply} either way, so the precision is chosen where the model loads, not in its forward pass.
 *
 * <p>Immutable apart from its weights' native memory, which its owner frees; thread-safe.
 */
public final class Linear {
    private final NDArray weight; // [out, in]; null when the weights live in a kernel
    private final NDArray bias; // [out] or null (T5 has none)
    private final long out;
    private final long in;
    private final UnaryOperator<NDArray> product; // null: DJL's fp32 operator on weight and bias

    /**
     * An fp32 layer on these arrays; {@code bias} may be null for a layer without bias (T5).
     *
     * @param weight the fp32 weight, {@code [out, in]}
     * @param bias the fp32 bias, {@code [out]}, or null
     */
    public Linear(NDArray weight, NDArray bias) {
        this(weight, bias, weight.getShape().get(0), weight.getShape().get(1), null);
    }

    private Linear(NDArray weight, NDArray bias, long out, long in, UnaryOperator<NDArray> product) {
        this.weight = weight;
        this.bias = bias;
        this.out = out;
        this.in = in;
        this.product = product;
    }

    /**
     * A layer of shape {@code [out, in]} whose weights live elsewhere (a kernel's native module) and which
     * computes {@code x·Wᵀ + b} with {@code product}; for the kernels in {@code io.llmblender.runtime.kernel}.
     *
     * @param out the output width
     * @param in the input width
     * @param product computes {@code x·Wᵀ + b} for an input {@code x} of shape {@code [..., in]}
     * @return the layer
     */
    public static Linear computedBy(long out, long in, UnaryOperator<NDArray> product) {
        return new Linear(null, null, out, in, product);
    }

    /**
     * {@code x·Wᵀ + b} over the last axis of {@code x}; the result belongs to {@code x}'s manager.
     *
     * @param x the input, {@code [..., in]}
     * @return the output, {@code [..., out]}
     */
    public NDArray apply(NDArray x) {
        if (product != null) {
            return product.apply(x);
        }
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Whether {@link #weight()} and {@link #bias()} are DJL arrays (false for a layer a kernel prepared).
     *
     * @return true for a layer built from arrays, false for one computed elsewhere
     */
    public boolean hasArrays() {
        return product == null;
    }

    /**
     * The fp32 weight {@code [out, in]}.
     *
     * @return the weight, owned by the layer
     * @throws IllegalStateException for a layer a kernel prepared (see {@link #hasArrays()})
     */
    public NDArray weight() {
        requireArrays("weight");
        return weight;
    }

    /**
     * The fp32 bias {@code [out]}, or null for a layer without bias.
     *
     * @return the bias, owned by the layer, or null
     * @throws IllegalStateException for a layer a kernel prepared (see {@link #hasArrays()})
     */
    public NDArray bias() {
        requireArrays("bias");
        return bias;
    }

    /**
     * The input width: the last axis of what {@link #apply} takes.
     *
     * @return the number of input features
     */
    public long in() {
        return in;
    }

    /**
     * The output width: the last axis of what {@link #apply} returns.
     *
     * @return the number of output features
     */
    public long out() {
        return out;
    }

    @Override
    public String toString() {
        return "Linear[" + out + " x " + in + (product == null ? ", fp32" : ", in a kernel") + "]";
    }

    private void requireArrays(String what) {
        if (product != null) {
            throw new IllegalStateException("this " + out + " x " + in + " layer's " + what + " lives inside its "
                    + "kernel (as bf16, which DJL cannot hold) and its fp32 copy was freed; combine or read weights "
                    + "before handing them to Kernel.linear");
        }
    }
}
