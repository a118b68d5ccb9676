package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TorchCheckpointTest extends WithManager {
    @Test
    void a_torch_save_state_dict_holds_the_same_tensors_as_the_safetensors_file_bit_for_bit() {
        try (TensorSource bin = TensorSource.open(Checkpoints.resource("pytorch_model.bin"));
                TensorSource st = TensorSource.open(Checkpoints.resource("model.safetensors"))) {
            assertThat(bin).isInstanceOf(TorchCheckpoint.class);
            assertThat(bin.tensors().keySet())
                    .containsExactlyInAnyOrderElementsOf(st.tensors().keySet());
            for (String key : st.tensors().keySet()) {
                assertThat(bin.tensors().get(key)).isEqualTo(st.tensors().get(key));
                assertThat(bin.load(key, manager).toFloatArray())
                        .as(key)
                        .containsExactly(st.load(key, manager).toFloatArray());
            }
        }
    }

    @Test
    void the_zip_top_folder_may_have_any_name() throws IOException {
        // given the same checkpoint re-zipped under another top folder (torch names it after the file's stem)
        Path renamed =
                rezip(Checkpoints.resource("pytorch_model.bin"), tmp.resolve("renamed.bin"), "something_else/", null);
        // then it reads the same
        try (TensorSource bin = TensorSource.open(renamed);
                TensorSource st = TensorSource.open(Checkpoints.resource("model.safetensors"))) {
            assertThat(bin.tensors()).hasSameSizeAs(st.tensors());
            assertThat(bin.load("head_layer.4.weight", manager).toFloatArray())
                    .containsExactly(st.load("head_layer.4.weight", manager).toFloatArray());
        }
    }

    @Test
    void a_pickle_naming_os_system_is_refused_and_nothing_runs() throws IOException {
        Path marker = tmp.resolve("pwned");
        byte[] pickle = reduceCall("os", "system", "touch " + marker);
        assertThatThrownBy(() -> RestrictedUnpickler.load(tmp.resolve("x.bin"), pickle, pid -> null))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'os.system'")
                .hasMessageContaining("refused, nothing was executed");
        // and through the checkpoint reader, as a real zip would carry it
        Path evil = rezip(Checkpoints.resource("pytorch_model.bin"), tmp.resolve("evil.bin"), "evil/", pickle);
        assertThatThrownBy(() -> TensorSource.open(evil))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(evil.toString())
                .hasMessageContaining("'os.system'");
        assertThat(marker).doesNotExist();
    }

    @Test
    void a_pickle_naming_builtins_eval_is_refused() {
        byte[] pickle = reduceCall("builtins", "eval", "__import__('os').system('true')");
        assertThatThrownBy(() -> RestrictedUnpickler.load(tmp.resolve("x.bin"), pickle, pid -> null))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'builtins.eval'");
    }

    @Test
    void a_stack_global_naming_a_forbidden_callable_is_refused_too() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(4);
        shortUnicode(p, "subprocess");
        shortUnicode(p, "Popen");
        p.write(0x93); // STACK_GLOBAL
        p.write('.');
        assertThatThrownBy(() -> RestrictedUnpickler.load(tmp.resolve("x.bin"), p.toByteArray(), pid -> null))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'subprocess.Popen'");
    }

    @Test
    void opcodes_that_instantiate_classes_are_refused() {
        byte[] newobj = {(byte) 0x80, 2, 'N', ')', (byte) 0x81, '.'};
        assertThatThrownBy(() -> RestrictedUnpickler.load(tmp.resolve("x.bin"), newobj, pid -> null))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("NEWOBJ");
        byte[] inst = "(ios\nsystem\n.".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> RestrictedUnpickler.load(tmp.resolve("x.bin"), inst, pid -> null))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("INST");
    }

    @Test
    void a_truncated_pickle_is_a_clean_error() throws IOException {
        byte[] pickle = pickleOf(Checkpoints.resource("pytorch_model.bin"));
        for (int cut : new int[] {0, 1, 2, 10, pickle.length / 2, pickle.length - 1}) {
            byte[] truncated = java.util.Arrays.copyOf(pickle, cut);
            Path file = rezip(
                    Checkpoints.resource("pytorch_model.bin"), tmp.resolve("cut" + cut + ".bin"), "a/", truncated);
            assertThatThrownBy(() -> TensorSource.open(file))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void a_file_that_is_not_a_zip_is_a_clean_error() {
        Path file = Checkpoints.write(tmp, "pytorch_model.bin", "not a zip at all".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TensorSource.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is not a PyTorch zip checkpoint");
    }

    @Test
    void a_missing_storage_entry_names_the_tensor() throws IOException {
        // given the fixture without its first storage
        Path file = deflatedCopy(tmp.resolve("nostorage.bin"), name -> !name.endsWith("/data/0"));
        assertThatThrownBy(() -> TensorSource.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("refers to storage 'data/0', which is not in the zip")
                .satisfies(e -> assertThat(((CheckpointException) e).key()).isPresent());
    }

    /** A torch zip holding one F32 tensor 't' of storage {@code data/0} ({@code data}), viewed as given. */
    Path oneTensor(String name, long numel, long offset, long[] size, long[] stride, byte[] data) {
        byte[] pickle = PickleWriter.stateDictOfOne("t", "FloatStorage", numel, offset, size, stride);
        return TorchZip.write(tmp.resolve(name), "archive/", Map.of("data.pkl", pickle, "data/0", data));
    }

    /** Opens {@code file} and loads every tensor, as a model loader would. */
    static void openAndLoadAll(Path file) {
        try (TensorSource source = TensorSource.open(file)) {
            source.tensors().keySet().forEach(k -> source.load(k, manager).close());
        }
    }

    @TestFactory
    Stream<DynamicTest> a_storage_or_view_whose_arithmetic_is_impossible_is_refused_when_the_file_is_opened() {
        long[] one = {1};
        record Attack(String name, long numel, long offset, long[] size, long[] stride, int bytes, String says) {}
        return Stream.of(
                        new Attack("negative offset", 6, -1, new long[] {6}, one, 24, "must be non-negative"),
                        new Attack("negative numel", -1, 0, new long[] {0}, one, 0, "must be non-negative"),
                        // 2^62 floats are 2^64 bytes, which wrapped to 0, the size of the empty entry
                        new Attack("numel × 4 overflows", 1L << 62, 0, one, one, 0, "64-bit overflow"),
                        new Attack(
                                "size product overflows",
                                1,
                                0,
                                new long[] {1L << 32, 1L << 32},
                                new long[] {0, 0},
                                4,
                                "64-bit overflow"),
                        new Attack(
                                "stride × size overflows",
                                6,
                                0,
                                new long[] {3},
                                new long[] {1L << 62},
                                24,
                                "64-bit overflow"),
                        new Attack(
                                "view past its storage", 6, 4, new long[] {3}, one, 24, "reads element 6 of a storage"),
                        new Attack("offset far past its storage", 6, 1L << 62, one, one, 24, "reads element"),
                        // a 4-byte storage viewed as 2^28 floats would allocate 1 GiB
                        new Attack(
                                "stride-0 view of one value",
                                1,
                                0,
                                new long[] {1 << 28},
                                new long[] {0},
                                4,
                                "repeats elements"))
                .map(a -> dynamicTest(a.name(), () -> {
                    Path file = oneTensor("view.bin", a.numel(), a.offset(), a.size(), a.stride(), new byte[a.bytes()]);
                    assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(file)))
                            .hasMessageStartingWith(file + ": tensor 't' ")
                            .hasMessageContaining(a.says());
                }));
    }

    @Test
    void a_storage_claiming_more_bytes_than_the_file_holds_is_refused_before_anything_is_allocated()
            throws IOException {
        // given 1 MiB zips whose directory says their one storage holds 1 GiB; in the second, the pickle agrees
        Path honest = oneTensor("honest.bin", 1 << 18, 0, new long[] {1 << 18}, new long[] {1}, new byte[1 << 20]);
        long gib = 1L << 30;
        Path lying = Checkpoints.write(
                tmp, "lying.bin", TorchZip.declaring(Files.readAllBytes(honest), "archive/data/0", gib, gib));
        Path claim = Checkpoints.write(
                tmp,
                "claim.bin",
                TorchZip.declaring(
                        Files.readAllBytes(oneTensor(
                                "claim-src.bin", gib / 4, 0, new long[] {gib / 4}, new long[] {1}, new byte[1 << 20])),
                        "archive/data/0",
                        gib,
                        gib));
        assertThat(Files.size(claim)).isLessThan(2L << 20);
        // then both are refused, having allocated nothing near the claim
        assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(lying)))
                .hasMessageStartingWith(lying + ": tensor 't' ")
                .hasMessageContaining("claims " + gib + " bytes in a file of " + Files.size(lying));
        assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(claim)))
                .hasMessageContaining("claims " + gib + " bytes in a file of " + Files.size(claim));
    }

    @Test
    void a_compressed_storage_is_refused_before_it_is_inflated() throws IOException {
        // given the fixture re-zipped with deflate (as a zip tool would), and a deflated storage that claims 1 GiB
        Path deflated = deflatedCopy(tmp.resolve("deflated.bin"), name -> true);
        long gib = 1L << 30;
        byte[] bomb;
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(TorchZip.stored(
                    "archive/data.pkl",
                    PickleWriter.stateDictOfOne("t", "FloatStorage", gib / 4, 0, new long[] {1}, new long[] {1})));
            out.write(PickleWriter.stateDictOfOne("t", "FloatStorage", gib / 4, 0, new long[] {1}, new long[] {1}));
            out.putNextEntry(new ZipEntry("archive/data/0"));
            out.write(new byte[1 << 20]);
            out.finish();
            bomb = TorchZip.declaring(bytes.toByteArray(), "archive/data/0", gib, -1);
        }
        Path claim = Checkpoints.write(tmp, "bomb.bin", bomb);
        // then both are refused with the fix, and nothing was inflated
        for (Path file : List.of(deflated, claim)) {
            assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(file)))
                    .hasMessageContaining("compressed")
                    .hasMessageContaining("Re-save the state dict with torch.save, or convert it to safetensors");
        }
    }

    @Test
    void a_pickle_that_claims_or_inflates_beyond_its_bounds_is_refused() throws IOException {
        byte[] pickle = PickleWriter.stateDictOfOne("t", "FloatStorage", 6, 0, new long[] {6}, new long[] {1});
        byte[] zip;
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("archive/data.pkl")); // deflated, so the declared size is only a claim
            out.write(pickle);
            out.putNextEntry(TorchZip.stored("archive/data/0", new byte[24]));
            out.write(new byte[24]);
            out.finish();
            zip = bytes.toByteArray();
        }
        assertThatCode(() -> openAndLoadAll(Checkpoints.write(tmp, "fine.bin", zip)))
                .doesNotThrowAnyException();
        // a pickle declaring 1 GiB is refused before it is read
        Path huge = Checkpoints.write(tmp, "huge.bin", TorchZip.declaring(zip, "archive/data.pkl", 1L << 30, -1));
        assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(huge)))
                .hasMessageContaining("more than the " + TorchCheckpoint.MAX_PICKLE_BYTES);
        // a pickle that inflates to more than it declares is cut off there and refused
        Path longer = Checkpoints.write(tmp, "longer.bin", TorchZip.declaring(zip, "archive/data.pkl", 20, -1));
        assertThat(Checkpoints.refusedWithinBounds(() -> openAndLoadAll(longer)))
                .hasMessageContaining("longer than the 20 bytes it declares");
    }

    @Test
    void a_flipped_byte_in_a_storage_is_refused_when_its_tensor_is_read() throws IOException {
        // given the fixture with one byte of storage data/1 (LayerNorm.weight's) flipped
        Path bin = Checkpoints.resource("pytorch_model.bin");
        byte[] zip = Files.readAllBytes(bin);
        byte[] storage;
        try (ZipFile in = new ZipFile(bin.toFile());
                InputStream s = in.getInputStream(in.getEntry("pytorch_model/data/1"))) {
            storage = s.readAllBytes();
        }
        int at = indexOf(zip, storage);
        zip[at + 100] ^= 0x10;
        Path file = Checkpoints.write(tmp, "flipped.bin", zip);
        // then the file opens, other tensors load, and that one is refused
        try (TensorSource source = TensorSource.open(file)) {
            assertThat(source.load("head_layer.4.weight", manager).getShape()).isEqualTo(new Shape(2, 64));
            assertThat(Checkpoints.refusedWithinBounds(
                            () -> source.load("pretrained_model.embeddings.LayerNorm.weight", manager)))
                    .hasMessageStartingWith(file + ": tensor 'pretrained_model.embeddings.LayerNorm.weight' ")
                    .hasMessageContaining("corrupt entry 'pytorch_model/data/1': its CRC-32 is");
        }
    }

    @Test
    void a_flipped_byte_in_the_pickle_is_refused_when_the_file_is_opened() throws IOException {
        // given the fixture with one letter of a key changed: still a valid pickle, naming another tensor
        byte[] zip = Files.readAllBytes(Checkpoints.resource("pytorch_model.bin"));
        int at = indexOf(zip, "word_embeddings".getBytes(StandardCharsets.US_ASCII));
        zip[at] = 'v';
        Path file = Checkpoints.write(tmp, "renamed-key.bin", zip);
        assertThat(Checkpoints.refusedWithinBounds(() -> TensorSource.open(file)))
                .hasMessageContaining("corrupt entry 'pytorch_model/data.pkl'");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    /** The fixture's entries that {@code keep} accepts, re-zipped with deflate (ZipOutputStream's default). */
    static Path deflatedCopy(Path target, Predicate<String> keep) throws IOException {
        try (ZipFile in = new ZipFile(Checkpoints.resource("pytorch_model.bin").toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                if (keep.test(e.getName())) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream s = in.getInputStream(e)) {
                        s.transferTo(out);
                    }
                }
            }
        }
        return target;
    }

    /** PROTO 2, GLOBAL module.name, one string argument, REDUCE, STOP: what a malicious pickle looks like. */
    static byte[] reduceCall(String module, String name, String argument) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] arg = argument.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.writeBytes(new byte[] {(byte) arg.length, (byte) (arg.length >> 8), 0, 0});
        p.writeBytes(arg);
        p.write(0x85); // TUPLE1
        p.write('R');
        p.write('.');
        return p.toByteArray();
    }

    private static void shortUnicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(0x8c);
        p.write(b.length);
        p.writeBytes(b);
    }

    private static byte[] pickleOf(Path bin) throws IOException {
        try (ZipFile in = new ZipFile(bin.toFile())) {
            ZipEntry e = Collections.list(in.entries()).stream()
                    .filter(x -> x.getName().endsWith("/data.pkl"))
                    .findFirst()
                    .orElseThrow();
            try (InputStream s = in.getInputStream(e)) {
                return s.readAllBytes();
            }
        }
    }

    /** Copies a torch zip under a new top folder, optionally replacing data.pkl; stored uncompressed, as torch does. */
    static Path rezip(Path bin, Path target, String prefix, byte[] replacementPickle) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile in = new ZipFile(bin.toFile())) {
            for (ZipEntry e : Collections.list(in.entries())) {
                String rest = e.getName().substring(e.getName().indexOf('/') + 1);
                if (rest.equals("data.pkl") && replacementPickle != null) {
                    entries.put(rest, replacementPickle);
                } else {
                    try (InputStream s = in.getInputStream(e)) {
                        entries.put(rest, s.readAllBytes());
                    }
                }
            }
        }
        return TorchZip.write(target, prefix, entries);
    }
}
