package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The element types a checkpoint may declare, with their size in bytes. Names are safetensors' dtype strings.
 * Floating types become {@link DataType#FLOAT32} when loaded: DJL 0.36 aborts the JVM on any bf16 array and
 * fp16 matmul on CPU is about 145× slower than fp32 (ecosystem notes §3.6), so half precision is a storage
 * format only.
 */
public enum DType {
    BOOL(1, DataType.BOOLEAN),
    U8(1, DataType.UINT8),
    I8(1, DataType.INT8),
    U16(2, DataType.UINT16),
    I16(2, DataType.INT16),
    F16(2, DataType.FLOAT32),
    BF16(2, DataType.FLOAT32),
    U32(4, DataType.UINT32),
    I32(4, DataType.INT32),
    F32(4, DataType.FLOAT32),
    U64(8, DataType.UINT64),
    I64(8, DataType.INT64),
    F64(8, DataType.FLOAT64),
    F8_E4M3(1, null),
    F8_E5M2(1, null);

    private final int bytes;
    private final DataType loadedAs;

    DType(int bytes, DataType loadedAs) {
        this.bytes = bytes;
        this.loadedAs = loadedAs;
    }

    public int bytes() {
        return bytes;
    }

    /** The DJL type a tensor of this dtype becomes, or empty if it cannot be loaded. */
    public Optional<DataType> loadedAs() {
        return Optional.ofNullable(loadedAs);
    }

    /** Looks up a safetensors dtype string; empty if unknown. */
    public static Optional<DType> ofSafetensors(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
