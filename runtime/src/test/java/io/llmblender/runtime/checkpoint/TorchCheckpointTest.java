package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

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
        Path file = tmp.resolve("nostorage.bin");
        try (ZipFile in = new ZipFile(Checkpoints.resource("pytorch_model.bin").toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                if (e.getName().endsWith("/data/0")) {
                    continue; // drop the first storage
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream s = in.getInputStream(e)) {
                    s.transferTo(out);
                }
            }
        }
        assertThatThrownBy(() -> TensorSource.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("refers to storage 'data/0', which is not in the zip")
                .satisfies(e -> assertThat(((CheckpointException) e).key()).isPresent());
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

    /** Copies a torch zip under a new top folder, optionally replacing data.pkl. */
    static Path rezip(Path bin, Path target, String prefix, byte[] replacementPickle) throws IOException {
        try (ZipFile in = new ZipFile(bin.toFile());
                OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                String rest = e.getName().substring(e.getName().indexOf('/') + 1);
                out.putNextEntry(new ZipEntry(prefix + rest));
                if (rest.equals("data.pkl") && replacementPickle != null) {
                    out.write(replacementPickle);
                } else {
                    try (InputStream s = in.getInputStream(e)) {
                        s.transferTo(out);
                    }
                }
            }
        }
        return target;
    }
}
