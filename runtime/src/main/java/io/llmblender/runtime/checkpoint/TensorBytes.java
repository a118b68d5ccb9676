package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Turns a tensor's raw little-endian bytes into an NDArray; shared by the checkpoint readers. */
final class TensorBytes {
    private TensorBytes() {}

    /**
     * Creates the NDArray for {@code info} from {@code bytes} (exactly the tensor's bytes, little-endian).
     * With {@code zeroCopy}, a direct, aligned buffer of a natively supported type is handed to torch as it
     * is: the array then reads the buffer (for a memory-mapped file, the page cache) and must never be
     * modified in place. F16 and BF16 are widened to float32 into a fresh buffer.
     */
    static NDArray toNDArray(Path file, TensorInfo info, ByteBuffer bytes, boolean zeroCopy, NDManager manager) {
        DType dtype = info.dtype();
        DataType target = dtype.loadedAs()
                .orElseThrow(() -> new CheckpointException(
                        file,
                        info.key(),
                        "has dtype " + dtype
                                + ", which cannot be loaded on DJL's PyTorch engine; convert the checkpoint to F32, F16 or"
                                + " BF16"));
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer data;
        if (dtype == DType.F16 || dtype == DType.BF16) {
            data = widen(le, dtype, info.elements());
        } else if (zeroCopy && le.isDirect() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            data = le;
        } else {
            data = ByteBuffer.allocateDirect(le.remaining()).order(ByteOrder.nativeOrder());
            data.put(le).flip();
        }
        NDArray array = manager.create(data, info.shape(), target);
        array.setName(info.key());
        return array;
    }

    /** Exact widening of half-precision values to float32 (every F16 and BF16 value is a float32 value). */
    private static ByteBuffer widen(ByteBuffer le, DType dtype, long elements) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(elements, 4L)))
                .order(ByteOrder.nativeOrder());
        for (long i = 0; i < elements; i++) {
            int h = le.getShort() & 0xFFFF;
            out.putFloat(dtype == DType.BF16 ? Float.intBitsToFloat(h << 16) : halfToFloat(h));
        }
        return out.flip();
    }

    /** IEEE 754 binary16 to binary32 ({@code Float.float16ToFloat} arrives only in Java 20). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN, payload kept
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: normalise, moving the leading one into the implicit bit.
            int e = 127 - 15 + 1;
            while ((mantissa & 0x400) == 0) {
                mantissa <<= 1;
                e--;
            }
            return Float.intBitsToFloat(sign | (e << 23) | ((mantissa & 0x3FF) << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}
