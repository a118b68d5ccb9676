package io.llmblender.runtime.kernel;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.nn.Linear;

/**
 * Where a model's heavy matmuls run: its linear layers and its attention products. The model states its math
 * once and calls a kernel chosen when it loads; the kernel decides the number format ({@link Precision}).
 * Every array a kernel takes or returns is an fp32 DJL array.
 *
 * <pre>{@code
 * // loading: the precision is chosen once, and each layer's fp32 weights are handed to the kernel
 * Kernel kernel = Kernel.open(Precision.AUTO);             // bf16 where the CPU has bf16 units, else fp32
 * Linear dense = kernel.linear(w.take(prefix + "dense.weight", h, ff), w.take(prefix + "dense.bias", h));
 *
 * // a forward pass, in its own sub-manager: results belong to the first input's manager
 * try (NDManager pass = weights.newSubManager()) {
 *     NDArray y = dense.apply(x);                          // model code reads as before
 *     NDArray scores = kernel.matMul(q, kT);               // [B, N, L, d] x [B, N, d, L]
 *     NDArray context = kernel.attention(q, k, v, bias);   // softmax(q·kᵀ + bias)·v
 * }
 *
 * kernel.close();                                          // with the model, after its last forward pass
 * }</pre>
 *
 * Implementations are thread-safe: one kernel serves every forward pass of its model at once.
 */
public sealed interface Kernel extends AutoCloseable permits Fp32Kernel, Bf16Kernel {
    /**
     * {@code FP32} or {@code BF16}: what this kernel computes in.
     *
     * @return the precision the kernel's products run in; never {@code AUTO}
     */
    Precision precision();

    /**
     * A linear layer {@code y = x·Wᵀ + b} computed by this kernel. Takes over {@code weight} ({@code [out, in]},
     * fp32) and {@code bias} ({@code [out]}, fp32, or null): use them only through the returned layer from now
     * on. The fp32 kernel keeps them as they are, in their manager; the bf16 kernel converts them once and
     * closes them at once.
     *
     * @param weight the layer's fp32 weight, {@code [out, in]}; owned by the layer from now on
     * @param bias the layer's fp32 bias, {@code [out]}, or null for a layer without bias
     * @return the layer, which computes its product in this kernel's precision
     */
    Linear linear(NDArray weight, NDArray bias);

    /**
     * {@code torch.matmul(a, b)} of two fp32 arrays: batched over leading axes and broadcast like it (e.g.
     * {@code [B, N, L, d] × [B, N, d, L]}). The fp32 result belongs to {@code a}'s manager.
     *
     * @param a the left fp32 operand, e.g. {@code [B, N, L, d]}
     * @param b the right fp32 operand, e.g. {@code [B, N, d, L]}
     * @return the fp32 product, in {@code a}'s manager; the caller closes it (or its manager)
     */
    NDArray matMul(NDArray a, NDArray b);

    /**
     * Attention with an additive bias, {@code softmax(q·kᵀ + bias)·v} over the last axis, the queries already
     * scaled (no further {@code 1/√d}): what a model with relative-position scores (DeBERTa's c2p and p2c, T5's
     * position bias) computes once its position terms are summed into {@code bias}. A key masked with the float32
     * minimum in {@code bias} gets no weight. Batched over the leading axes like {@link #matMul}.
     *
     * <p>This default composes it from {@link #matMul} and a softmax, so that the products run in the kernel's
     * precision; the fp32 kernel overrides it with libtorch's fused attention, which keeps the scores and the
     * softmax in cache (the same math, rounded differently by at most a few ulps).
     *
     * @param q the scaled queries, fp32 {@code [B, N, Q, d]}
     * @param k the keys, fp32 {@code [B, N, L, d]}
     * @param v the values, fp32 {@code [B, N, L, d]}
     * @param bias fp32, broadcastable to {@code [B, N, Q, L]}
     * @return the fp32 context {@code [B, N, Q, d]}, in {@code q}'s manager
     */
    default NDArray attention(NDArray q, NDArray k, NDArray v, NDArray bias) {
        try (NDArray kT = k.transpose(0, 1, 3, 2);
                NDArray scores = matMul(q, kT)) {
            scores.addi(bias);
            try (NDArray probs = scores.softmax(-1)) {
                return matMul(probs, v);
            }
        }
    }

    /** Frees what the kernel holds (the bf16 weights); idempotent. Calls afterwards throw. */
    @Override
    void close();

    /**
     * A kernel for {@code requested}, resolved on this machine by {@link PrecisionPolicy#fromEnvironment()}.
     *
     * @param requested {@code FP32}, {@code BF16} or {@code AUTO}
     * @return a new kernel the caller closes
     */
    static Kernel open(Precision requested) {
        return open(requested, PrecisionPolicy.fromEnvironment());
    }

    /**
     * A kernel for {@code requested} as {@code policy} resolves it.
     *
     * @param requested {@code FP32}, {@code BF16} or {@code AUTO}
     * @param policy decides what {@code requested} becomes on this machine (and refuses or warns)
     * @return a new kernel the caller closes
     */
    static Kernel open(Precision requested, PrecisionPolicy policy) {
        return policy.resolve(requested) == Precision.BF16 ? new Bf16Kernel() : new Fp32Kernel();
    }

    /**
     * A kernel for a model that lives on {@code device}: as {@link #open(Precision)}, but bf16 with a GPU is refused,
     * because the bf16 kernel computes on the CPU's matrix units (on a GPU, fp32 is the path DJL runs).
     *
     * @param requested {@code FP32}, {@code BF16} or {@code AUTO}
     * @param device where the model's weights and passes live
     * @return a new kernel the caller closes
     * @throws io.llmblender.runtime.ConfigException if the precision resolves to bf16 and the device to a GPU
     */
    static Kernel open(Precision requested, io.llmblender.runtime.ComputeDevice device) {
        Kernel kernel = open(requested);
        if (kernel.precision() == Precision.BF16 && device.resolve().isGpu()) {
            kernel.close();
            throw new io.llmblender.runtime.ConfigException(
                    null,
                    "precision",
                    "is bf16 with a GPU device; the bf16 kernel runs on the CPU's matrix units, so use fp32 on a GPU");
        }
        return kernel;
    }
}
