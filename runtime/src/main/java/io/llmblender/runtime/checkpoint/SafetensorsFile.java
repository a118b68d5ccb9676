package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header of
 * {@code {key: {dtype, shape, data_offsets: [begin, end]}}} (plus an optional {@code __metadata__} map of
 * strings), then the raw little-endian data.
 *
 * <p>Everything is validated when the file is opened, before any tensor is touched: the header length against
 * the file size, the JSON's form, every dtype and shape, every byte range (inside the data section, of exactly
 * dtype size × elements bytes, overlapping no other, together tiling the data section as the reference reader requires). A violation is a {@link CheckpointException} naming the
 * file and the tensor, never a JVM crash.
 *
 * <p>Float32 tensors are handed to torch without a copy: the NDArray reads the mapped pages. Such arrays must
 * never be changed in place (an in-place op on a read-only mapping kills the JVM, ecosystem notes §3.5); model
 * code only ever uses out-of-place ops on weights.
 */
public final class SafetensorsFile implements TensorSource {
    /** The reference implementation refuses headers above 100 MB; so do we, before allocating them. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, long[]> ranges; // key -> [begin, end) relative to dataStart
    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, long[]> ranges,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.ranges = ranges;
        this.metadata = metadata;
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
            return read(file, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static SafetensorsFile read(Path file, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(
                        file,
                        null,
                        "is " + size
                                + " bytes long, shorter than the 8-byte header length; the file is truncated or not safetensors");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointException(
                        file,
                        null,
                        "declares a header of " + Long.toUnsignedString(headerLength)
                                + " bytes, but the file has " + (size - 8) + " bytes after the length field"
                                + (headerLength > MAX_HEADER_BYTES
                                        ? " (and at most " + MAX_HEADER_BYTES + " are allowed)"
                                        : "")
                                + "; the file is truncated or corrupt");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonNode header = parseHeader(file, headerBytes.flip());
            long dataStart = 8 + headerLength;
            return fromHeader(file, channel, header, dataStart, size - dataStart);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode parseHeader(Path file, ByteBuffer bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "has a header that is not valid UTF-8; the file is corrupt", e);
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new CheckpointException(
                        file, null, "has a header that is not a JSON object; the file is corrupt");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CheckpointException(
                    file,
                    null,
                    "has a header that is not well-formed JSON (" + e.getOriginalMessage() + "); the file is corrupt",
                    e);
        }
    }

    private static SafetensorsFile fromHeader(
            Path file, FileChannel channel, JsonNode header, long dataStart, long dataLength) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, long[]> ranges = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode entry = field.getValue();
            if (key.equals("__metadata__")) {
                readMetadata(file, entry, metadata);
                continue;
            }
            if (!entry.isObject()) {
                throw new CheckpointException(file, key, "has a header entry that is not a JSON object");
            }
            DType dtype = DType.ofSafetensors(entry.path("dtype").asText(""))
                    .orElseThrow(() -> new CheckpointException(
                            file,
                            key,
                            "has an unknown dtype " + entry.get("dtype") + "; expected one of "
                                    + List.of(DType.values())));
            Shape shape = readShape(file, key, entry.get("shape"));
            long[] range = readRange(file, key, entry.get("data_offsets"), dataLength);
            long expected;
            try {
                expected = Math.multiplyExact(shape.size() < 0 ? Long.MAX_VALUE : shape.size(), dtype.bytes());
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, key, "has shape " + shape + ", too large to address");
            }
            if (range[1] - range[0] != expected) {
                throw new CheckpointException(
                        file,
                        key,
                        "has " + (range[1] - range[0]) + " bytes at data_offsets "
                                + range[0] + ".." + range[1] + ", but dtype " + dtype + " × shape " + shape + " needs "
                                + expected);
            }
            tensors.put(key, new TensorInfo(key, dtype, shape));
            ranges.put(key, range);
        }
        checkTiling(file, ranges, dataLength);
        return new SafetensorsFile(
                file,
                channel,
                dataStart,
                Collections.unmodifiableMap(tensors),
                ranges,
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path file, JsonNode entry, Map<String, String> metadata) {
        if (!entry.isObject()) {
            throw new CheckpointException(file, null, "has a __metadata__ entry that is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new CheckpointException(
                        file, null, "has __metadata__ value '" + m.getKey() + "' that is not a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Shape readShape(Path file, String key, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new CheckpointException(file, key, "has no 'shape' array in the header");
        }
        long[] dims = new long[node.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new CheckpointException(
                        file, key, "has shape " + node + "; every dimension must be a" + " non-negative integer");
            }
            dims[i] = d.asLong();
        }
        long elements = 1;
        for (long d : dims) {
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, key, "has shape " + node + ", too large to address");
            }
        }
        return new Shape(dims);
    }

    private static long[] readRange(Path file, String key, JsonNode node, long dataLength) {
        if (node == null
                || !node.isArray()
                || node.size() != 2
                || !node.get(0).isIntegralNumber()
                || !node.get(1).isIntegralNumber()
                || !node.get(0).canConvertToLong()
                || !node.get(1).canConvertToLong()) {
            throw new CheckpointException(file, key, "has data_offsets " + node + "; expected [begin, end] integers");
        }
        long begin = node.get(0).asLong();
        long end = node.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw new CheckpointException(
                    file,
                    key,
                    "has data_offsets [" + begin + ", " + end + "] outside the data section of " + dataLength
                            + " bytes; the file is truncated or corrupt");
        }
        return new long[] {begin, end};
    }

    /**
     * The tensors must tile the data section exactly, as the reference reader requires: sorted by offset, each
     * starts where the previous ends, the first at 0 and the last at the end. A shifted header length, a hole or
     * an overlap all show up here.
     */
    private static void checkTiling(Path file, Map<String, long[]> ranges, long dataLength) {
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(ranges.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0])
                .thenComparingLong(e -> e.getValue()[1]));
        long expected = 0;
        String previous = null;
        for (Map.Entry<String, long[]> e : sorted) {
            long[] r = e.getValue();
            if (r[0] < expected) {
                throw new CheckpointException(
                        file,
                        e.getKey(),
                        "has data_offsets [" + r[0] + ", " + r[1] + "] overlapping tensor '" + previous
                                + "', which ends at " + expected + "; the file is corrupt");
            }
            if (r[0] > expected) {
                throw new CheckpointException(
                        file,
                        e.getKey(),
                        "has data_offsets [" + r[0] + ", " + r[1]
                                + "], leaving bytes " + expected + ".." + r[0]
                                + " of the data section unused; the file is"
                                + " corrupt");
            }
            expected = r[1];
            previous = e.getKey();
        }
        if (expected != dataLength) {
            throw new CheckpointException(
                    file,
                    null,
                    "has a data section of " + dataLength + " bytes, but its tensors" + " cover " + expected
                            + "; the header length or the file size is wrong (truncated or corrupt)");
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /**
     * The header's {@code __metadata__} strings (e.g. {@code format=pt}); empty if there are none.
     *
     * @return the metadata, unmodifiable
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo info = tensors.get(key);
        if (info == null) {
            throw new CheckpointException(file, key, "is not in this file");
        }
        long[] range = ranges.get(key);
        long position = dataStart + range[0];
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

    private static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
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
