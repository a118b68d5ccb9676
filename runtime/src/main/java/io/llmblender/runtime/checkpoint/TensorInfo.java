package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.types.Shape;

/**
 * What a checkpoint declares about one tensor, before any of its bytes are read.
 *
 * @param key the tensor's key, e.g. {@code pretrained_model.embeddings.word_embeddings.weight}
 * @param dtype its element type as stored
 * @param shape its shape
 */
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
