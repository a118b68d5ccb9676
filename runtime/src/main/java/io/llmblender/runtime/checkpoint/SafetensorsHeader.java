package io.llmblender.runtime.checkpoint;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checked header of a {@code .safetensors} file, as {@link SafetensorsFile} maps it: the 8-byte little-endian
 * length, the strict JSON (duplicate keys refused), each tensor's dtype, shape and byte range, and the ranges
 * tiling the data section exactly. Nothing of the file is trusted before this has read it.
 *
 * @param dataStart the file offset of the data section (8 + the header's length)
 * @param tensors each tensor's key, dtype and shape, in header order; unmodifiable
 * @param ranges each tensor's {@code [begin, end)} relative to {@code dataStart}, checked against its dtype and shape
 * @param metadata the header's {@code __metadata__} strings; unmodifiable
 */
record SafetensorsHeader(
        long dataStart, Map<String, TensorInfo> tensors, Map<String, long[]> ranges, Map<String, String> metadata) {
    /** The reference implementation refuses headers above 100 MB; so do we, before allocating them. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Reads and checks the length field and the header of {@code file}.
     *
     * @throws CheckpointException naming the file (and the tensor, where there is one) for any violation
     */
    static SafetensorsHeader read(Path file, FileChannel channel) {
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
            return fromHeader(file, header, dataStart, size - dataStart);
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

    private static SafetensorsHeader fromHeader(Path file, JsonNode header, long dataStart, long dataLength) {
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
        return new SafetensorsHeader(
                dataStart, Collections.unmodifiableMap(tensors), ranges, Collections.unmodifiableMap(metadata));
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
}
