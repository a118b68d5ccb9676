package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.runtime.checkpoint.CheckpointException;
import io.llmblender.runtime.checkpoint.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PairRm#load(Path)} on the full PairRM-hf fixture folder ({@code -Dpairrm.e2e=<folder>}, default the
 * project's copy of shared/fixtures/pairrm-e2e) with one bias stored in each safetensors dtype, in a forked JVM:
 * before issue 13, a U16, I16, U32 or U64 bias reached DJL's engine and aborted the process (exit 134), which no
 * in-process test can observe. Each dtype {@link DType} knows (the 13 of the safetensors spec and its two 8-bit
 * floats) must load (F16, BF16, F32, F64) or be refused by a {@link CheckpointException} naming the file, the
 * tensor and the dtype.
 */
class PairRmDtypeTest {
    static final String KEY = "head_layer.1.bias";
    /** The dtypes a weight may have; every other one must be refused. */
    static final Set<DType> FLOATING = EnumSet.of(DType.F16, DType.BF16, DType.F32, DType.F64);

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void a_model_folder_with_a_bias_of_any_dtype_loads_or_is_refused_and_never_kills_the_jvm() throws Exception {
        // given one copy of the full model folder per dtype, the bias re-typed (its bytes zeros, valid in every dtype)
        Path original = PairRmFixture.folder("pairrm.e2e", "fixtures/pairrm-e2e");
        byte[] weights = Files.readAllBytes(original.resolve("model.safetensors"));
        List<String> folders = new ArrayList<>();
        for (DType dtype : DType.values()) {
            Path folder = Files.createDirectories(tmp.resolve(dtype.name()));
            try (var files = Files.list(original)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().equals("model.safetensors")) {
                        linkOrCopy(f, folder.resolve(f.getFileName()));
                    }
                }
            }
            Files.write(folder.resolve("model.safetensors"), retyped(weights, KEY, dtype.name(), dtype.bytes()));
            folders.add(folder.toString());
        }

        // when a child JVM loads each folder
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName()));
        command.addAll(folders);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

        // then the JVM lived through all of them, and each dtype loaded or was refused by name
        assertThat(child.exitValue())
                .as("exit code of the child JVM (134: the engine aborted it); its output:%n%s", output)
                .isZero();
        for (DType dtype : DType.values()) {
            String line = output.lines()
                    .filter(l -> l.startsWith(tmp.resolve(dtype.name()) + ": "))
                    .findFirst()
                    .orElse(dtype + ": no answer");
            if (FLOATING.contains(dtype)) {
                assertThat(line).as(dtype.name()).endsWith(": loaded");
            } else {
                assertThat(line)
                        .as(dtype.name())
                        .contains(": refused " + tmp.resolve(dtype.name()).resolve("model.safetensors"))
                        .contains("'" + KEY + "'")
                        .containsPattern("\\b" + dtype + "\\b");
            }
        }
    }

    /** A hard link where the file system allows one (the tokenizer is 8 MB, times 13 folders), else a copy. */
    static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }

    /** The safetensors file {@code original} with tensor {@code key} re-typed to zeros of {@code dtype}. */
    static byte[] retyped(byte[] original, String key, String dtype, int width) throws IOException {
        long headerLength =
                ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header =
                (ObjectNode) JSON.readTree(new String(original, 8, (int) headerLength, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) headerLength;
        // lay the tensors out again in their order in the data section, so they still tile it
        List<String> byOffset = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                byOffset.add(n);
            }
        });
        byOffset.sort((a, b) -> Long.compare(
                header.get(a).get("data_offsets").get(0).asLong(),
                header.get(b).get("data_offsets").get(0).asLong()));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String name : byOffset) {
            ObjectNode entry = (ObjectNode) header.get(name);
            JsonNode offsets = entry.get("data_offsets");
            int begin = dataStart + offsets.get(0).asInt();
            int end = dataStart + offsets.get(1).asInt();
            byte[] bytes = Arrays.copyOfRange(original, begin, end);
            if (name.equals(key)) {
                long elements = 1;
                for (Iterator<JsonNode> d = entry.get("shape").elements(); d.hasNext(); ) {
                    elements *= d.next().asLong();
                }
                bytes = new byte[Math.toIntExact(elements * width)];
                entry.put("dtype", dtype);
            }
            entry.putArray("data_offsets").add(data.size()).add(data.size() + bytes.length);
            data.writeBytes(bytes);
        }
        byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8; // the format pads the header to a multiple of 8 with spaces
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(text);
        for (int i = text.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        return out.put(data.toByteArray()).array();
    }

    /** The forked side: one line per folder, {@code <folder>: loaded} or {@code <folder>: refused <message>}. */
    public static final class Child {
        @SuppressWarnings("try") // the model is opened only to see that it loads
        public static void main(String[] folders) {
            for (String folder : folders) {
                String outcome;
                try (PairRm model = PairRm.load(Path.of(folder))) {
                    outcome = "loaded";
                } catch (CheckpointException e) {
                    outcome = "refused " + e.getMessage().replace('\n', ' ');
                } catch (RuntimeException e) {
                    outcome = "failed " + e;
                }
                System.out.println(folder + ": " + outcome);
                System.out.flush(); // printed before the next case, so an abort still shows how far it got
            }
        }
    }
}
