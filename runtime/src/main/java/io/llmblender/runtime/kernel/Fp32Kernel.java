package io.llmblender.runtime.kernel;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.nn.Linear;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fp32 kernel: DJL's own operators, exactly the math the parity fixtures check ({@code Linear.linear},
 * {@code matMul}), plus libtorch's fused attention for {@link #attention}, which DJL's API lacks: a TorchScript
 * module that Java writes from {@code Fp32Kernel.py} (next to this class). The module holds no weights; its native
 * memory (the compiled method) is freed by {@link #close()}, after which every call fails here as it would with
 * bf16. Thread-safe.
 */
public final class Fp32Kernel implements Kernel {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScriptModule module;

    Fp32Kernel() {
        module = ScriptModule.load(TorchScriptArchive.fromResource(Fp32Kernel.class, "Fp32Kernel.py", "Fp32Kernel"));
    }

    @Override
    public Precision precision() {
        return Precision.FP32;
    }

    @Override
    public Linear linear(NDArray weight, NDArray bias) {
        ensureOpen();
        return new Linear(weight, bias);
    }

    @Override
    public NDArray matMul(NDArray a, NDArray b) {
        ensureOpen();
        return a.matMul(b);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here libtorch's {@code scaled_dot_product_attention}: with 4-D inputs its fused CPU kernel, which sums,
     * exponentiates and weights a tile of scores while it is in cache instead of writing and reading a
     * {@code [Q, L]} array per step (the README's {@code bench pairrm} section has the profile that chose it).
     */
    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v, NDArray bias) {
        ensureOpen();
        return module.call("attention", q, k, v, bias);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            module.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(
                    "the fp32 kernel was used after close(); close a model's kernel only after its last forward pass");
        }
    }
}
