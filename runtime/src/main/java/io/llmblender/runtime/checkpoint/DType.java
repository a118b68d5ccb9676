package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The element types a checkpoint may declare, with their size in bytes and the DJL type each becomes when
 * loaded. Names are safetensors' dtype strings.
 *
 * <p>DJL 0.36's PyTorch engine holds only FLOAT32, FLOAT64, FLOAT16, INT8, UINT8, INT32, INT64 and BOOLEAN: an
 * array of any other type (UINT16, INT16, UINT32, UINT64, BFLOAT16) aborts the JVM with no Java exception
 * (ecosystem notes §3.6 for bf16, issue 13 for the others). So every dtype maps to one of those, widened exactly where needed, or to nothing:
 * <ul>
 *   <li>F16 and BF16 become FLOAT32: bf16 arrays abort the JVM and fp16 matmul on CPU is about 145× slower
 *       than fp32, so half precision is a storage format only;
 *   <li>U16 and I16 become INT32, U32 becomes INT64: every value fits;
 *   <li>U64 cannot be loaded: INT64 would wrap values of 2^63 and more;
 *   <li>the 8-bit floats cannot be loaded: DJL has no type for them.
 * </ul>
 */
public enum DType {
    /** Boolean, one byte per element. */
    BOOL(1, DataType.BOOLEAN),
    /** Unsigned 8-bit integer. */
    U8(1, DataType.UINT8),
    /** Signed 8-bit integer. */
    I8(1, DataType.INT8),
    /** Unsigned 16-bit integer; loaded as INT32. */
    U16(2, DataType.INT32),
    /** Signed 16-bit integer; loaded as INT32. */
    I16(2, DataType.INT32),
    /** IEEE half precision; loaded widened (exactly) to FLOAT32. */
    F16(2, DataType.FLOAT32),
    /** bfloat16; loaded widened (exactly) to FLOAT32. */
    BF16(2, DataType.FLOAT32),
    /** Unsigned 32-bit integer; loaded as INT64. */
    U32(4, DataType.INT64),
    /** Signed 32-bit integer. */
    I32(4, DataType.INT32),
    /** IEEE single precision. */
    F32(4, DataType.FLOAT32),
    /** Unsigned 64-bit integer; cannot be loaded (INT64 would wrap). */
    U64(8, null),
    /** Signed 64-bit integer. */
    I64(8, DataType.INT64),
    /** IEEE double precision. */
    F64(8, DataType.FLOAT64),
    /** 8-bit float with 4 exponent bits; cannot be loaded. */
    F8_E4M3(1, null),
    /** 8-bit float with 5 exponent bits; cannot be loaded. */
    F8_E5M2(1, null);

    private final int bytes;
    private final DataType loadedAs;

    DType(int bytes, DataType loadedAs) {
        this.bytes = bytes;
        this.loadedAs = loadedAs;
    }

    /**
     * The size of one element in bytes, as stored in the file.
     *
     * @return 1, 2, 4 or 8
     */
    public int bytes() {
        return bytes;
    }

    /**
     * The DJL type a tensor of this dtype becomes, or empty if it cannot be loaded.
     *
     * @return the DJL type, or empty for U64 and the 8-bit floats
     */
    public Optional<DataType> loadedAs() {
        return Optional.ofNullable(loadedAs);
    }

    /**
     * Looks up a safetensors dtype string; empty if unknown.
     *
     * @param name the dtype string of a safetensors header, e.g. {@code "BF16"}
     * @return the dtype, or empty for a string safetensors does not define
     */
    public static Optional<DType> ofSafetensors(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
