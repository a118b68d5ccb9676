package io.llmblender.runtime.kernel;

import ai.djl.ndarray.NDArray;
import io.llmblender.runtime.nn.Linear;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fp32 kernel: DJL's own operators, exactly the math the parity fixtures check ({@code Linear.linear},
 * {@code matMul}). It holds no native memory; {@link #close()} only marks it closed, so that a model that
 * uses it after closing fails here as it would with bf16. Thread-safe.
 */
public final class Fp32Kernel implements Kernel {
    private final AtomicBoolean closed = new AtomicBoolean();

    Fp32Kernel() {}

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

    @Override
    public void close() {
        closed.set(true);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(
                    "the fp32 kernel was used after close(); close a model's kernel only after its last forward pass");
        }
    }
}
