package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.types.Shape;

/** What a checkpoint declares about one tensor, before any of its bytes are read. */
public record TensorInfo(String key, DType dtype, Shape shape) {
    public long elements() {
        return shape.size();
    }
}
