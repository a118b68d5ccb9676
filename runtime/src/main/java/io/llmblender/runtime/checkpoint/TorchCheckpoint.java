package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageType;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.TensorRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch {@code torch.save(state_dict)} file ({@code pytorch_model.bin}): a zip whose one top folder (named
 * after the file's stem when it was saved, so not fixed) holds {@code data.pkl}, the pickled
 * {@code OrderedDict} of tensors, and {@code data/<n>}, the raw little-endian storages.
 *
 * <p>The pickle is read by {@link RestrictedUnpickler}, which refuses anything a state dict does not need, so
 * an untrusted file can never run code. Every tensor's storage entry and extent is checked when the file is
 * opened.
 *
 * <p>Not thread-safe.
 */
public final class TorchCheckpoint implements TensorSource {
    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, TensorRef> refs;

    private TorchCheckpoint(
            Path file, ZipFile zip, String prefix, Map<String, TensorInfo> tensors, Map<String, TensorRef> refs) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
        this.refs = refs;
    }

    /** Opens {@code file}, reads and checks its pickle; the caller closes it. */
    public static TorchCheckpoint open(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(
                    file,
                    null,
                    "is not a PyTorch zip checkpoint (" + e.getMessage()
                            + "); files from torch < 1.6 (legacy tar/pickle format) must be re-saved",
                    e);
        }
        try {
            return read(file, zip);
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static TorchCheckpoint read(Path file, ZipFile zip) {
        List<String> pickles = new ArrayList<>();
        zip.stream()
                .map(ZipEntry::getName)
                .filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
                .forEach(pickles::add);
        if (pickles.size() != 1) {
            throw new CheckpointException(
                    file,
                    null,
                    "holds " + pickles.size() + " '<folder>/data.pkl' entries; a torch.save zip has exactly one");
        }
        String prefix = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
        byte[] pickle = readEntry(file, zip, pickles.get(0), Integer.MAX_VALUE - 8);
        Object root = RestrictedUnpickler.load(file, pickle, pid -> storage(file, pid));
        if (!(root instanceof Map<?, ?> dict)) {
            throw new CheckpointException(
                    file,
                    null,
                    "holds a pickled "
                            + (root == null ? "None" : root.getClass().getSimpleName())
                            + ", not a state dict (an OrderedDict of tensors)");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TensorRef ref)) {
                throw new CheckpointException(
                        file,
                        String.valueOf(e.getKey()),
                        "is not a tensor entry of a state" + " dict; only {name: tensor} checkpoints can be loaded");
            }
            checkStorage(file, zip, prefix, key, ref);
            tensors.put(key, new TensorInfo(key, ref.storage().dtype(), new Shape(ref.size())));
            refs.put(key, ref);
        }
        return new TorchCheckpoint(file, zip, prefix, Collections.unmodifiableMap(tensors), refs);
    }

    private static StorageRef storage(Path file, Tuple pid) {
        if (pid.size() != 5
                || !"storage".equals(pid.get(0))
                || !(pid.get(1) instanceof StorageType type)
                || !(pid.get(2) instanceof String key)
                || !(pid.get(4) instanceof Long elements)) {
            throw new CheckpointException(
                    file,
                    null,
                    "has an unexpected persistent id " + pid.items()
                            + "; expected ('storage', torch.<Type>Storage, key, location, numel)");
        }
        return new StorageRef(type.dtype(), key, elements);
    }

    private static void checkStorage(Path file, ZipFile zip, String prefix, String key, TensorRef ref) {
        ZipEntry entry = zip.getEntry(prefix + "data/" + ref.storage().key());
        if (entry == null) {
            throw new CheckpointException(
                    file, key, "refers to storage 'data/" + ref.storage().key() + "', which is not in the zip");
        }
        long expected = ref.storage().elements() * ref.storage().dtype().bytes();
        if (entry.getSize() != expected) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage of " + entry.getSize() + " bytes, but "
                            + ref.storage().elements() + " " + ref.storage().dtype() + " elements need " + expected);
        }
        long last = ref.offset();
        for (int d = 0; d < ref.size().length; d++) {
            if (ref.size()[d] == 0) {
                return; // an empty tensor reads nothing
            }
            last += (ref.size()[d] - 1) * ref.stride()[d];
        }
        if (last >= ref.storage().elements()) {
            throw new CheckpointException(
                    file,
                    key,
                    "reads element " + last + " of a storage that has "
                            + ref.storage().elements());
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

    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo info = tensors.get(key);
        if (info == null) {
            throw new CheckpointException(file, key, "is not in this file");
        }
        TensorRef ref = refs.get(key);
        int width = info.dtype().bytes();
        byte[] storage = readEntry(file, zip, prefix + "data/" + ref.storage().key(), Integer.MAX_VALUE - 8);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(info.elements() * width))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (isContiguous(ref)) {
            out.put(storage, Math.toIntExact(ref.offset() * width), out.capacity());
        } else {
            // A saved view (e.g. a transposed weight): gather its elements in row-major order.
            long[] index = new long[ref.size().length];
            for (long n = 0; n < info.elements(); n++) {
                long at = ref.offset();
                for (int d = 0; d < index.length; d++) {
                    at += index[d] * ref.stride()[d];
                }
                out.put(storage, Math.toIntExact(at * width), width);
                for (int d = index.length - 1; d >= 0 && ++index[d] == ref.size()[d]; d--) {
                    index[d] = 0;
                }
            }
        }
        return TensorBytes.toNDArray(file, info, out.flip(), true, manager);
    }

    private static boolean isContiguous(TensorRef ref) {
        long expected = 1;
        for (int d = ref.size().length - 1; d >= 0; d--) {
            if (ref.size()[d] != 1 && ref.stride()[d] != expected) {
                return false;
            }
            expected *= ref.size()[d];
        }
        return true;
    }

    private static byte[] readEntry(Path file, ZipFile zip, String name, long limit) {
        ZipEntry entry = zip.getEntry(name);
        if (entry.getSize() > limit) {
            throw new CheckpointException(
                    file,
                    null,
                    "has an entry '" + name + "' of " + entry.getSize() + " bytes, more than one Java array holds");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = entry.getSize() < 0 ? in.readAllBytes() : in.readNBytes((int) entry.getSize());
            if (entry.getSize() >= 0 && bytes.length != entry.getSize()) {
                throw new CheckpointException(file, null, "has a truncated entry '" + name + "'");
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException(file, null, "has an unreadable entry '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be closed: " + e.getMessage(), e);
        }
    }
}
