package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageType;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.TensorRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.Tuple;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

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
 * flipped byte is refused rather than loaded. {@link CheckedZip} does the zip's checks and reads,
 * {@link StridedView} the view's; this class assembles the state dict.
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
    private final CheckedZip zip;
    private final String prefix;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, TensorRef> refs;

    private TorchCheckpoint(
            Path file, CheckedZip zip, String prefix, Map<String, TensorInfo> tensors, Map<String, TensorRef> refs) {
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
        CheckedZip zip = CheckedZip.open(file);
        try {
            return read(file, zip, file.toFile().length());
        } catch (RuntimeException e) {
            zip.closeAfter(e);
            throw e;
        }
    }

    private static TorchCheckpoint read(Path file, CheckedZip zip, long fileSize) {
        List<String> pickles = new ArrayList<>();
        zip.names()
                .filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
                .forEach(pickles::add);
        if (pickles.size() != 1) {
            throw new CheckpointException(
                    file,
                    null,
                    "holds " + pickles.size() + " '<folder>/data.pkl' entries; a torch.save zip has exactly one");
        }
        String prefix = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
        ZipEntry pickleEntry = zip.entry(pickles.get(0));
        if (pickleEntry.getSize() < 0 || pickleEntry.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointException(
                    file,
                    null,
                    "has a pickle '" + pickleEntry.getName() + "' of " + pickleEntry.getSize()
                            + " bytes, more than the " + MAX_PICKLE_BYTES + " allowed (a state dict of 40,000"
                            + " tensors needs less); the file is corrupt or hostile");
        }
        byte[] pickle = zip.read(null, pickleEntry, ByteBuffer.allocate((int) pickleEntry.getSize()))
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
            String name = "data/" + ref.storage().key();
            ZipEntry entry = zip.storage(prefix, name, key, fileSize);
            StridedView.check(file, key, name, ref, entry.getSize());
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
                    "has an unexpected persistent id " + PickleValues.describe(pid)
                            + "; expected ('storage', torch.<Type>Storage, key, location, numel)");
        }
        return new StorageRef(type.dtype(), key, elements);
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
        ZipEntry entry = zip.entry(prefix + "data/" + ref.storage().key());
        ByteBuffer storage = zip.read(key, entry, ByteBuffer.allocateDirect((int) entry.getSize()));
        int bytes = Math.toIntExact(info.elements() * width); // no overflow: at most the storage, checked at open
        ByteBuffer out = StridedView.elements(ref, storage, width, bytes);
        return TensorBytes.toNDArray(file, info, out.position(0), true, manager);
    }

    @Override
    public void close() {
        zip.close();
    }
}
