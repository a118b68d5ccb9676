package io.llmblender.runtime.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.nn.Linear;

/**
 * The bf16 kernel: matmuls with bf16 operands and fp32 accumulation, inside a TorchScript module that Java
 * writes from {@code Bf16Kernel.py} (next to this class) and libtorch compiles. DJL 0.36 cannot hold a bf16
 * array (creating or casting one aborts the JVM), so the bf16 weights live only inside the module, and every
 * array that crosses is fp32: inputs are rounded to bf16 in there, results widened back.
 *
 * <p>Weights are converted once, when {@link #linear} prepares a layer, and the fp32 arrays are closed right
 * after. Results belong to the first input's manager (the forward pass's scope); {@link #close()} frees the
 * module and every bf16 weight. On a CPU without bf16 units (no {@code amx_bf16}, no {@code avx512_bf16}) this
 * computes correctly but several times slower than fp32, which is why {@link PrecisionPolicy} grants it there only
 * on request.
 *
 * <p>Thread-safe: layers may be prepared while other threads compute (preparation waits for running calls), and
 * a call after {@code close()} throws {@link IllegalStateException} instead of touching freed memory.
 */
public final class Bf16Kernel implements Kernel {
    private final ScriptModule module;

    Bf16Kernel() {
        module = ScriptModule.load(TorchScriptArchive.fromResource(Bf16Kernel.class, "Bf16Kernel.py", "Bf16Kernel")
                .withEmptyList("weights", "List[Tensor]")
                .withEmptyList("biases", "List[Optional[Tensor]]"));
    }

    @Override
    public Precision precision() {
        return Precision.BF16;
    }

    @Override
    public Linear linear(NDArray weight, NDArray bias) {
        Shape w = weight.getShape();
        if (w.dimension() != 2 || weight.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "a linear weight is fp32 [out, in], not " + weight.getDataType() + " " + w);
        }
        if (bias != null
                && (bias.getDataType() != DataType.FLOAT32 || !bias.getShape().equals(new Shape(w.get(0))))) {
            throw new IllegalArgumentException("the bias of a " + w + " weight is fp32 [" + w.get(0) + "], not "
                    + bias.getDataType() + " " + bias.getShape());
        }
        long slot = bias == null ? module.update("add", weight) : module.update("add_with_bias", weight, bias);
        NDArray index = module.constant(slot);
        // The module holds bf16 copies now; the fp32 arrays (or their mapped pages) are not needed any more.
        weight.close();
        if (bias != null) {
            bias.close();
        }
        return Linear.computedBy(w.get(0), w.get(1), x -> module.call("linear", fp32(x, "input"), index));
    }

    @Override
    public NDArray matMul(NDArray a, NDArray b) {
        return module.call("matmul", fp32(a, "a"), fp32(b, "b"));
    }

    @Override
    public void close() {
        module.close();
    }

    /** The module's own arrays (one index per layer, method markers); for tests that check it does not grow. */
    int ownedArrays() {
        return module.ownedArrays();
    }

    /** Only fp32 goes in: anything else would be rounded to bf16 silently, or is a bug upstream. */
    private static NDArray fp32(NDArray x, String what) {
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "the bf16 kernel takes fp32 arrays; " + what + " is " + x.getDataType() + " " + x.getShape());
        }
        return x;
    }
}
