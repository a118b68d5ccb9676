package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A weight file, opened and validated, whose tensors are read one by one on demand. The key check of
 * {@link StateDict} runs on {@link #tensors()} alone, so a checkpoint that does not fit the architecture is
 * rejected before any weight is read.
 *
 * <pre>{@code
 * try (TensorSource source = TensorSource.open(Path.of("model.safetensors"))) {
 *     NDArray w = source.load("head_layer.1.weight", manager);   // float32, whatever the stored precision
 * }
 * }</pre>
 *
 * Not thread-safe; open one per thread.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * The file (or, for a sharded checkpoint, the index file) this source reads.
     *
     * @return the file
     */
    Path file();

    /**
     * Every tensor the file declares, by key, in the file's order.
     *
     * @return the declared tensors, keyed by name; unmodifiable
     */
    Map<String, TensorInfo> tensors();

    /**
     * Reads one tensor into {@code manager}. Floating-point tensors come back as float32; half-precision ones
     * are widened exactly on the way.
     *
     * @param key the tensor's key, e.g. {@code pairrm.layers.0.weight}
     * @param manager owns the array returned
     * @return the tensor, in {@code manager}
     * @throws CheckpointException if the key is absent or the tensor cannot be read
     */
    NDArray load(String key, NDManager manager);

    @Override
    void close();

    /**
     * Opens a checkpoint by its file name: {@code *.safetensors}, {@code *.safetensors.index.json} (shards),
     * or a PyTorch zip such as {@code pytorch_model.bin}.
     *
     * @param file the checkpoint file
     * @return an open source; the caller closes it
     */
    static TensorSource open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, null, "does not exist or is not a regular file");
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".safetensors")) {
            return SafetensorsFile.open(file);
        }
        if (name.endsWith(".index.json")) {
            return ShardedCheckpoint.open(file);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return TorchCheckpoint.open(file);
        }
        throw new CheckpointException(
                file,
                null,
                "is not a known checkpoint format; expected *.safetensors, *.safetensors.index.json or a PyTorch"
                        + " zip (*.bin, *.pt, *.pth)");
    }
}
