package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class SafetensorsFileTest extends WithManager {
    @Test
    void reads_every_tensor_of_the_fixture_with_its_declared_shape() {
        try (SafetensorsFile file = SafetensorsFile.open(Checkpoints.resource("model.safetensors"))) {
            assertThat(file.tensors()).hasSize(42);
            assertThat(file.metadata()).containsEntry("format", "pt");
            TensorInfo info = file.tensors().get("pretrained_model.embeddings.word_embeddings.weight");
            assertThat(info.dtype()).isEqualTo(DType.F32);
            assertThat(info.shape()).isEqualTo(new Shape(1005, 64));
            for (TensorInfo t : file.tensors().values()) {
                NDArray a = file.load(t.key(), manager);
                assertThat(a.getShape()).isEqualTo(t.shape());
                assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            }
        }
    }

    @Test
    void float32_tensors_hold_exactly_the_bytes_of_the_file() {
        byte[] raw = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        ObjectNode header = Checkpoints.header(raw);
        long dataStart = raw.length - Checkpoints.data(raw).length;
        String key = "head_layer.4.weight";
        long begin = header.get(key).get("data_offsets").get(0).asLong();
        try (SafetensorsFile file = SafetensorsFile.open(Checkpoints.resource("model.safetensors"))) {
            float[] loaded = file.load(key, manager).toFloatArray();
            ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < loaded.length; i++) {
                assertThat(loaded[i]).isEqualTo(bytes.getFloat((int) (dataStart + begin + 4L * i)));
            }
        }
    }

    @Test
    void half_precision_files_are_widened_to_float32_exactly() {
        try (SafetensorsFile f32 = SafetensorsFile.open(Checkpoints.resource("model.safetensors"));
                SafetensorsFile f16 = SafetensorsFile.open(Checkpoints.resource("model.fp16.safetensors"));
                SafetensorsFile bf16 = SafetensorsFile.open(Checkpoints.resource("model.bf16.safetensors"))) {
            assertThat(f16.tensors().get("head_layer.1.weight").dtype()).isEqualTo(DType.F16);
            assertThat(bf16.tensors().get("head_layer.1.weight").dtype()).isEqualTo(DType.BF16);
            for (String key : f32.tensors().keySet()) {
                float[] reference = f32.load(key, manager).toFloatArray();
                NDArray half = f16.load(key, manager);
                NDArray brain = bf16.load(key, manager);
                assertThat(half.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(brain.getDataType()).isEqualTo(DataType.FLOAT32);
                float[] h = half.toFloatArray();
                float[] b = brain.toFloatArray();
                for (int i = 0; i < reference.length; i++) {
                    // Rounding to nearest: within half an ulp of the narrow format (10 and 7 mantissa bits).
                    assertThat(Math.abs(h[i] - reference[i]))
                            .isLessThanOrEqualTo(Math.abs(reference[i]) * 0x1p-11f + 0x1p-25f);
                    assertThat(Math.abs(b[i] - reference[i])).isLessThanOrEqualTo(Math.abs(reference[i]) * 0x1p-8f);
                    assertThat(Float.floatToRawIntBits(b[i]) & 0xFFFF)
                            .as("bf16 keeps no low bits")
                            .isZero();
                }
            }
        }
    }

    @Test
    void binary16_conversion_covers_normals_subnormals_zeros_and_specials() {
        assertThat(TensorBytes.halfToFloat(0x3C00)).isEqualTo(1.0f);
        assertThat(TensorBytes.halfToFloat(0xC000)).isEqualTo(-2.0f);
        assertThat(TensorBytes.halfToFloat(0x7BFF)).isEqualTo(65504f);
        assertThat(TensorBytes.halfToFloat(0x0400)).isEqualTo(0x1p-14f); // smallest normal
        assertThat(TensorBytes.halfToFloat(0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(TensorBytes.halfToFloat(0x03FF)).isEqualTo(1023 * 0x1p-24f); // largest subnormal
        assertThat(Float.floatToRawIntBits(TensorBytes.halfToFloat(0x8000))).isEqualTo(0x80000000);
        assertThat(TensorBytes.halfToFloat(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(TensorBytes.halfToFloat(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(TensorBytes.halfToFloat(0x7E00)).isNaN();
    }

    @Test
    void unknown_file_extension_is_refused_with_the_formats_that_work() {
        Path file = Checkpoints.write(tmp, "weights.npz", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> TensorSource.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("weights.npz")
                .hasMessageContaining("*.safetensors");
    }

    /**
     * Structured corruptions of the fixture: truncations, a wrong header length, and header edits (re-encoded with
     * a correct length, so each edit is checked by the validation it targets). Each must be a CheckpointException
     * naming the file, never another exception and never a crash.
     */
    @TestFactory
    Stream<DynamicTest> every_corruption_is_a_clean_exception_naming_the_file() {
        byte[] original = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        List<DynamicTest> tests = new ArrayList<>();
        int headerEnd = original.length - Checkpoints.data(original).length;

        for (int cut : new int[] {
            0,
            1,
            7,
            8,
            9,
            100,
            headerEnd / 2,
            headerEnd - 1,
            headerEnd,
            headerEnd + 1,
            headerEnd + 1000,
            original.length / 2,
            original.length - 4,
            original.length - 1
        }) {
            tests.add(corruption("truncated to " + cut + " bytes", Arrays.copyOf(original, cut), null));
        }
        for (long length : new long[] {
            0,
            -1,
            Long.MAX_VALUE,
            original.length,
            original.length - 7,
            SafetensorsHeader.MAX_HEADER_BYTES + 1,
            headerEnd - 8 - 1,
            3
        }) {
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            tests.add(corruption("header length " + length, b, null));
        }
        byte[] data = Checkpoints.data(original);
        String headerText = Checkpoints.header(original).toString();
        tests.add(corruption("header is not JSON", Checkpoints.assemble(headerText.substring(1), data), null));
        tests.add(corruption(
                "header JSON cut short",
                Checkpoints.assemble(headerText.substring(0, headerText.length() - 1), data),
                null));
        tests.add(corruption("header is an array", Checkpoints.assemble("[" + headerText + "]", data), null));
        tests.add(corruption("header is a number", Checkpoints.assemble("42", data), null));
        tests.add(corruption(
                "duplicate key",
                Checkpoints.assemble(headerText.replace("\"head_layer.1.bias\"", "\"head_layer.1.weight\""), data),
                null));
        byte[] badUtf8 = Checkpoints.assemble(headerText, data);
        badUtf8[12] = (byte) 0xC3;
        badUtf8[13] = (byte) 0x28;
        tests.add(corruption("header is not UTF-8", badUtf8, null));
        tests.add(corruption("__metadata__ not an object", edited(original, h -> h.put("__metadata__", 5)), null));
        tests.add(corruption(
                "__metadata__ value not a string",
                edited(original, h -> ((ObjectNode) h.get("__metadata__")).put("format", 1)),
                null));

        for (String key : List.of(
                "head_layer.1.weight",
                "pretrained_model.embeddings.LayerNorm.bias",
                "pretrained_model.encoder.layer.1.output.dense.weight")) {
            tests.add(mutation(original, key, "entry is a string", (h, e) -> h.put(key, "oops")));
            tests.add(mutation(original, key, "unknown dtype", (h, e) -> e.put("dtype", "F33")));
            tests.add(mutation(original, key, "dtype missing", (h, e) -> e.remove("dtype")));
            tests.add(mutation(original, key, "dtype F64 (size mismatch)", (h, e) -> e.put("dtype", "F64")));
            tests.add(mutation(original, key, "dtype F16 (size mismatch)", (h, e) -> e.put("dtype", "F16")));
            tests.add(mutation(original, key, "shape missing", (h, e) -> e.remove("shape")));
            tests.add(mutation(original, key, "shape a string", (h, e) -> e.put("shape", "64")));
            tests.add(mutation(original, key, "negative dimension", (h, e) -> ((ArrayNode) e.get("shape")).set(0, -1)));
            tests.add(mutation(
                    original, key, "fractional dimension", (h, e) -> ((ArrayNode) e.get("shape")).set(0, 1.5)));
            tests.add(mutation(
                    original, key, "dimension too large", (h, e) -> ((ArrayNode) e.get("shape")).set(0, 1L << 62)));
            tests.add(mutation(original, key, "extra dimension", (h, e) -> ((ArrayNode) e.get("shape")).add(2)));
            tests.add(mutation(original, key, "offsets missing", (h, e) -> e.remove("data_offsets")));
            tests.add(mutation(original, key, "three offsets", (h, e) -> ((ArrayNode) e.get("data_offsets")).add(0)));
            tests.add(mutation(original, key, "offsets reversed", (h, e) -> {
                ArrayNode o = (ArrayNode) e.get("data_offsets");
                long begin = o.get(0).asLong();
                o.set(0, o.get(1).asLong());
                o.set(1, begin);
            }));
            tests.add(mutation(original, key, "end beyond the data", (h, e) -> {
                ArrayNode o = (ArrayNode) e.get("data_offsets");
                long len = o.get(1).asLong() - o.get(0).asLong();
                o.set(1, data.length + len);
                o.set(0, data.length);
            }));
            tests.add(mutation(
                    original, key, "negative begin", (h, e) -> ((ArrayNode) e.get("data_offsets")).set(0, -4)));
            tests.add(mutation(
                    original, key, "offsets as floats", (h, e) -> ((ArrayNode) e.get("data_offsets")).set(0, 0.5)));
            tests.add(mutation(original, key, "overlaps another tensor", (h, e) -> {
                // shift this tensor's range by 4 bytes, keeping its length: it now overlaps a neighbour
                ArrayNode o = (ArrayNode) e.get("data_offsets");
                long shift = o.get(0).asLong() == 0 ? 4 : -4;
                o.set(0, o.get(0).asLong() + shift);
                o.set(1, o.get(1).asLong() + shift);
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(50);
        return tests.stream();
    }

    /** Random single-byte corruptions of the header: each either still reads cleanly or is a CheckpointException. */
    @Test
    void random_header_corruptions_never_escape_as_anything_but_checkpoint_exceptions() {
        byte[] original = Checkpoints.bytes(Checkpoints.resource("model.safetensors"));
        int headerEnd = original.length - Checkpoints.data(original).length;
        SplittableRandom random = new SplittableRandom(11);
        int rejected = 0;
        for (int i = 0; i < 300; i++) {
            byte[] b = original.clone();
            b[random.nextInt(headerEnd)] = (byte) random.nextInt(256);
            Path file = Checkpoints.write(tmp, "fuzz.safetensors", b);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                for (String key : f.tensors().keySet()) {
                    f.load(key, manager).close();
                }
            } catch (CheckpointException e) {
                assertThat(e.getMessage()).startsWith(file.toString());
                rejected++;
            }
        }
        assertThat(rejected).as("most random header bytes matter").isGreaterThan(100);
    }

    private DynamicTest corruption(String name, byte[] content, String key) {
        return dynamicTest(name, () -> {
            Path file = Checkpoints.write(tmp, "corrupt.safetensors", content);
            assertThatThrownBy(() -> {
                        try (SafetensorsFile f = SafetensorsFile.open(file)) {
                            f.tensors().keySet().forEach(k -> f.load(k, manager));
                        }
                    })
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith(file.toString())
                    .satisfies(e -> {
                        if (key != null) {
                            assertThat(((CheckpointException) e).key()).contains(key);
                        }
                    });
        });
    }

    private DynamicTest mutation(
            byte[] original, String key, String what, java.util.function.BiConsumer<ObjectNode, ObjectNode> edit) {
        byte[] content = edited(original, h -> edit.accept(h, (ObjectNode) h.get(key)));
        return corruption(key + ": " + what, content, key);
    }

    private static byte[] edited(byte[] original, Consumer<ObjectNode> edit) {
        ObjectNode header = Checkpoints.header(original);
        edit.accept(header);
        return Checkpoints.assemble(header.toString(), Checkpoints.data(original));
    }

    @Test
    void tensors_are_listed_in_the_header_order_with_dtype_and_shape() {
        try (SafetensorsFile file = SafetensorsFile.open(Checkpoints.resource("model.bf16.safetensors"))) {
            Map<String, TensorInfo> tensors = file.tensors();
            JsonNode header = Checkpoints.header(Checkpoints.bytes(Checkpoints.resource("model.bf16.safetensors")));
            List<String> expected = new ArrayList<>();
            header.fieldNames().forEachRemaining(n -> {
                if (!n.equals("__metadata__")) {
                    expected.add(n);
                }
            });
            assertThat(tensors.keySet()).containsExactlyElementsOf(expected);
        }
    }
}
