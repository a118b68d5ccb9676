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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch {@code torch.save(state_dict)} file ({@code pytorch_model.bin}): a zip whose one top folder (named
 * after the file's stem when it was saved, so not fixed) holds {@code data.pkl}, the pickled
 * {@code OrderedDict} of tensors, and {@code data/<n>}, the raw little-endian storages.
 *
 * <p>The pickle is read by {@link RestrictedUnpickler}, which refuses anything a state dict does not need, so
 * an untrusted file can never run code. Every tensor's storage entry and extent is checked when the file is
 * opened, before anything is allocated for it:
 * <ul>
 *   <li>a storage must be stored uncompressed, as torch.save writes it, so the size the zip claims is bytes
 *       really in the file (a compressed entry of 1 MB may inflate to 1 GiB), and no bigger than the file;
 *   <li>sizes, strides and offsets are non-negative and their arithmetic is overflow-checked;
 *   <li>a tensor reads only elements inside its storage and has no more elements than it (a stride-0 view of
 *       one value could otherwise ask for any amount of memory), so what a tensor allocates is bounded by
 *       bytes of the file.
 * </ul>
 * Every entry read is checked against the CRC-32 the zip records (the JDK's {@code ZipFile} does not), so a
 * flipped byte is refused rather than loaded.
 *
 * <p>Not thread-safe.
 */
public final class TorchCheckpoint implements TensorSource {
    /**
     * The largest pickle read. torch.save writes about 200 bytes a tensor (8.4 kB for the fixture's 42), so
     * this is 40,000 tensors; it also bounds the unpickler's heap, which grows by a bounded amount per byte.
     */
    static final int MAX_PICKLE_BYTES = 8 << 20;

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

    /**
     * Opens {@code file}, reads and checks its pickle; the caller closes it.
     *
     * @param file the PyTorch zip, e.g. {@code pytorch_model.bin}
     * @return the open checkpoint
     */
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
            return read(file, zip, file.toFile().length());
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static TorchCheckpoint read(Path file, ZipFile zip, long fileSize) {
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
        ZipEntry pickleEntry = zip.getEntry(pickles.get(0));
        if (pickleEntry.getSize() < 0 || pickleEntry.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointException(
                    file,
                    null,
                    "has a pickle '" + pickleEntry.getName() + "' of " + pickleEntry.getSize()
                            + " bytes, more than the " + MAX_PICKLE_BYTES + " allowed (a state dict of 40,000"
                            + " tensors needs less); the file is corrupt or hostile");
        }
        byte[] pickle = read(file, null, zip, pickleEntry, ByteBuffer.allocate((int) pickleEntry.getSize()))
                .array();
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
            checkStorage(file, zip, prefix, key, ref, fileSize);
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
                    "has an unexpected persistent id " + RestrictedUnpickler.describe(pid)
                            + "; expected ('storage', torch.<Type>Storage, key, location, numel)");
        }
        return new StorageRef(type.dtype(), key, elements);
    }

    /** Everything about a tensor's storage and view that can be checked without reading it. */
    private static void checkStorage(Path file, ZipFile zip, String prefix, String key, TensorRef ref, long fileSize) {
        StorageRef storage = ref.storage();
        String name = "data/" + storage.key();
        ZipEntry entry = zip.getEntry(prefix + name);
        if (entry == null) {
            throw new CheckpointException(file, key, "refers to storage '" + name + "', which is not in the zip");
        }
        if (entry.getMethod() != ZipEntry.STORED) {
            throw new CheckpointException(
                    file,
                    key,
                    "has its storage '" + name + "' compressed; torch.save stores storages uncompressed, and the"
                            + " size a compressed entry claims cannot be checked before inflating it. Re-save the"
                            + " state dict with torch.save, or convert it to safetensors");
        }
        if (entry.getSize() != entry.getCompressedSize() || entry.getSize() > fileSize) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage '" + name + "' that claims " + entry.getSize() + " bytes in a file of " + fileSize
                            + "; the file is truncated or corrupt");
        }
        if (storage.elements() < 0 || ref.offset() < 0) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage of " + storage.elements() + " elements at offset " + ref.offset()
                            + "; both must be non-negative, the file is corrupt");
        }
        long width = storage.dtype().bytes();
        long elements;
        long last = ref.offset();
        try {
            long expected = Math.multiplyExact(storage.elements(), width);
            if (entry.getSize() != expected) {
                throw new CheckpointException(
                        file,
                        key,
                        "has a storage of " + entry.getSize() + " bytes, but " + storage.elements() + " "
                                + storage.dtype() + " elements need " + expected);
            }
            elements = 1;
            for (int d = 0; d < ref.size().length; d++) {
                elements = Math.multiplyExact(elements, ref.size()[d]);
                if (ref.size()[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(ref.size()[d] - 1, ref.stride()[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage, size " + Arrays.toString(ref.size()) + " or stride " + Arrays.toString(ref.stride())
                            + " too large to address (64-bit overflow); the file is corrupt");
        }
        if (entry.getSize() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage '" + name + "' of " + entry.getSize()
                            + " bytes, more than one buffer holds; save it as safetensors shards");
        }
        if (elements == 0) {
            return; // an empty tensor reads nothing
        }
        if (last >= storage.elements()) {
            throw new CheckpointException(
                    file, key, "reads element " + last + " of a storage that has " + storage.elements());
        }
        if (elements > storage.elements()) {
            throw new CheckpointException(
                    file,
                    key,
                    "has " + elements + " elements but its storage holds only " + storage.elements()
                            + "; a view that repeats elements (a stride-0 expand) cannot be loaded, save"
                            + " tensor.contiguous() instead");
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
        ZipEntry entry = zip.getEntry(prefix + "data/" + ref.storage().key());
        ByteBuffer storage = read(file, key, zip, entry, ByteBuffer.allocateDirect((int) entry.getSize()));
        int bytes = Math.toIntExact(info.elements() * width); // no overflow: at most the storage, checked at open
        ByteBuffer out;
        if (isContiguous(ref) && bytes == storage.capacity()) {
            out = storage; // the whole storage, as it is: no copy
        } else if (isContiguous(ref)) {
            out = ByteBuffer.allocateDirect(bytes).put(storage.slice((int) (ref.offset() * width), bytes));
        } else {
            // A saved view (e.g. a transposed weight): gather its elements in row-major order.
            out = ByteBuffer.allocateDirect(bytes);
            long[] index = new long[ref.size().length];
            for (int n = 0; n < bytes; n += width) {
                long at = ref.offset();
                for (int d = 0; d < index.length; d++) {
                    at += index[d] * ref.stride()[d];
                }
                out.put(n, storage, (int) (at * width), width);
                for (int d = index.length - 1; d >= 0 && ++index[d] == ref.size()[d]; d--) {
                    index[d] = 0;
                }
            }
        }
        return TensorBytes.toNDArray(file, info, out.position(0), true, manager);
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

    /**
     * Reads {@code entry} (the storage of tensor {@code key}, or the pickle if null) into {@code target}, which has
     * room for exactly its declared size, and checks that the entry ends there and matches the CRC-32 the zip
     * records; returns {@code target}, flipped.
     */
    private static ByteBuffer read(Path file, String key, ZipFile zip, ZipEntry entry, ByteBuffer target) {
        String name = entry.getName();
        CRC32 crc = new CRC32();
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] buffer = new byte[1 << 16];
            while (target.hasRemaining()) {
                int n = in.read(buffer, 0, Math.min(buffer.length, target.remaining()));
                if (n < 0) {
                    throw new CheckpointException(
                            file,
                            key,
                            "has a truncated entry '" + name + "': " + target.position() + " of " + entry.getSize()
                                    + " bytes; download the file again");
                }
                crc.update(buffer, 0, n);
                target.put(buffer, 0, n);
            }
            if (in.read() >= 0) {
                throw new CheckpointException(
                        file,
                        key,
                        "has an entry '" + name + "' longer than the " + entry.getSize()
                                + " bytes it declares; the file is corrupt or hostile");
            }
        } catch (IOException e) {
            throw new CheckpointException(file, key, "has an unreadable entry '" + name + "': " + e.getMessage(), e);
        }
        if (crc.getValue() != entry.getCrc()) {
            throw new CheckpointException(
                    file,
                    key,
                    String.format(
                            "has a corrupt entry '%s': its CRC-32 is %08x, not the %08x the zip records; download"
                                    + " the file again",
                            name, crc.getValue(), entry.getCrc()));
        }
        return target.flip();
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
