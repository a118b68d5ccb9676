package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.types.Shape;

/** What a checkpoint declares about one tensor, before any of its bytes are read. */
public record TensorInfo(String key, DType dtype, Shape shape) {
    /**
     * The number of elements, the product of the shape's dimensions.
     *
     * @return the element count (1 for a scalar)
     */
    public long elements() {
        return shape.size();
    }
}
