package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header of
 * {@code {key: {dtype, shape, data_offsets: [begin, end]}}} (plus an optional {@code __metadata__} map of
 * strings), then the raw little-endian data.
 *
 * <p>Everything is validated when the file is opened, before any tensor is touched: the header length against
 * the file size, the JSON's form, every dtype and shape, every byte range (inside the data section, of exactly
 * dtype size × elements bytes, overlapping no other, together tiling the data section as the reference reader requires). A violation is a {@link CheckpointException} naming the
 * file and the tensor, never a JVM crash. {@link SafetensorsHeader} does the reading and checking; this class maps
 * the checked ranges.
 *
 * <p>Float32 tensors are handed to torch without a copy: the NDArray reads the mapped pages. Such arrays must
 * never be changed in place (an in-place op on a read-only mapping kills the JVM, ecosystem notes §3.5); model
 * code only ever uses out-of-place ops on weights.
 */
public final class SafetensorsFile implements TensorSource {
    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens and validates {@code file}; the caller closes it (tensors already loaded stay valid).
     *
     * @param file the {@code .safetensors} file
     * @return the open file
     */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be opened: " + e.getMessage(), e);
        }
        try {
            return new SafetensorsFile(file, channel, SafetensorsHeader.read(file, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /**
     * The header's {@code __metadata__} strings (e.g. {@code format=pt}); empty if there are none.
     *
     * @return the metadata, unmodifiable
     */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo info = header.tensors().get(key);
        if (info == null) {
            throw new CheckpointException(file, key, "is not in this file");
        }
        long[] range = header.ranges().get(key);
        long position = header.dataStart() + range[0];
        long length = range[1] - range[0];
        ByteBuffer bytes;
        try {
            bytes = length == 0
                    ? ByteBuffer.allocateDirect(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, position, length);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file, key, "cannot be mapped: " + e.getMessage(), e);
        }
        // torch reads float32 with aligned loads; a misaligned tensor (legal in the format) is copied instead.
        boolean aligned = position % info.dtype().bytes() == 0;
        return TensorBytes.toNDArray(file, info, bytes, aligned, manager);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be closed: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel, RuntimeException pending) {
        try {
            channel.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
