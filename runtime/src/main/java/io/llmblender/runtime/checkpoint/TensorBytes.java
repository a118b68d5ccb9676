package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Turns a tensor's raw little-endian bytes into an NDArray; shared by the checkpoint readers, and the only place
 * where checkpoint bytes reach DJL. It hands the engine only the types it holds ({@link #ENGINE_TYPES}): a
 * {@link DType} that maps to no such type is a {@link CheckpointException}, never an array.
 */
final class TensorBytes {
    /**
     * The DJL types whose arrays DJL 0.36's PyTorch engine can create; any other type aborts the JVM (issue 13).
     * Checked here as well as in the {@link DType} table, so an edit of the table cannot bring the crash back.
     */
    static final Set<DataType> ENGINE_TYPES = EnumSet.of(
            DataType.FLOAT32,
            DataType.FLOAT64,
            DataType.FLOAT16,
            DataType.INT8,
            DataType.UINT8,
            DataType.INT32,
            DataType.INT64,
            DataType.BOOLEAN);

    private TensorBytes() {}

    /**
     * Creates the NDArray for {@code info} from {@code bytes} (exactly the tensor's bytes, little-endian).
     * With {@code zeroCopy}, a direct, aligned buffer of a natively supported type is handed to torch as it
     * is: the array then reads the buffer (for a memory-mapped file, the page cache) and must never be
     * modified in place. Dtypes the engine cannot hold are widened exactly into a fresh buffer (see {@link DType}).
     */
    static NDArray toNDArray(Path file, TensorInfo info, ByteBuffer bytes, boolean zeroCopy, NDManager manager) {
        DType dtype = info.dtype();
        DataType target = dtype.loadedAs()
                .filter(ENGINE_TYPES::contains)
                .orElseThrow(
                        () -> new CheckpointException(file, info.key(), "has dtype " + dtype + ", " + whyNot(dtype)));
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer data;
        if (target.getNumOfBytes() != dtype.bytes()) {
            data = widen(le, dtype, target, info.elements());
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

    private static String whyNot(DType dtype) {
        if (dtype == DType.U64) {
            return "which DJL's PyTorch engine cannot hold (its UINT64 arrays abort the JVM, and INT64 would wrap"
                    + " values of 2^63 and more); convert the tensor to I64 if its values allow, or drop it";
        }
        return "which cannot be loaded on DJL's PyTorch engine; convert the checkpoint to F32, F16 or BF16";
    }

    /**
     * Exact widening into {@code target}: half precision to float32 (every F16 and BF16 value is a float32
     * value), U16 and I16 to int32, U32 to int64.
     */
    private static ByteBuffer widen(ByteBuffer le, DType dtype, DataType target, long elements) {
        ByteBuffer out = ByteBuffer.allocateDirect(
                        Math.toIntExact(Math.multiplyExact(elements, target.getNumOfBytes())))
                .order(ByteOrder.nativeOrder());
        for (long i = 0; i < elements; i++) {
            switch (dtype) {
                case F16 -> out.putFloat(halfToFloat(le.getShort() & 0xFFFF));
                case BF16 -> out.putFloat(Float.intBitsToFloat((le.getShort() & 0xFFFF) << 16));
                case U16 -> out.putInt(le.getShort() & 0xFFFF);
                case I16 -> out.putInt(le.getShort());
                case U32 -> out.putLong(le.getInt() & 0xFFFFFFFFL);
                default -> throw new IllegalStateException("no widening of " + dtype + " to " + target);
            }
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
