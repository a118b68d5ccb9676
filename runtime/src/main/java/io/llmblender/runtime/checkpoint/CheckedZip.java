package io.llmblender.runtime.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip of a {@code torch.save} file, read as an untrusted file must be: a storage entry must be stored
 * uncompressed (so the size it claims is bytes really in the file), and every entry is read whole into a buffer of
 * exactly its declared size, then checked to end there and to match the CRC-32 the zip records, which the JDK's
 * {@code ZipFile} does not check. {@link TorchCheckpoint} reads its pickle and storages through this.
 *
 * <p>Not thread-safe.
 */
final class CheckedZip {
    private final Path file;
    private final ZipFile zip;

    private CheckedZip(Path file, ZipFile zip) {
        this.file = file;
        this.zip = zip;
    }

    /** Opens {@code file} as a zip, or says it is not a PyTorch zip checkpoint. */
    static CheckedZip open(Path file) {
        try {
            return new CheckedZip(file, new ZipFile(file.toFile()));
        } catch (IOException e) {
            throw new CheckpointException(
                    file,
                    null,
                    "is not a PyTorch zip checkpoint (" + e.getMessage()
                            + "); files from torch < 1.6 (legacy tar/pickle format) must be re-saved",
                    e);
        }
    }

    /** The names of every entry, in the zip's order. */
    Stream<String> names() {
        return zip.stream().map(ZipEntry::getName);
    }

    /** The entry {@code name}, or null if the zip has none. */
    ZipEntry entry(String name) {
        return zip.getEntry(name);
    }

    /**
     * The storage entry {@code prefix + name} of tensor {@code key}, checked to exist, to be stored uncompressed
     * and to claim no more bytes than the file of {@code fileSize} bytes holds.
     */
    ZipEntry storage(String prefix, String name, String key, long fileSize) {
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
        return entry;
    }

    /**
     * Reads {@code entry} (the storage of tensor {@code key}, or the pickle if null) into {@code target}, which has
     * room for exactly its declared size, and checks that the entry ends there and matches the CRC-32 the zip
     * records; returns {@code target}, flipped.
     */
    ByteBuffer read(String key, ZipEntry entry, ByteBuffer target) {
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

    /** Closes the zip after a failed open, adding any close failure to {@code pending}. */
    void closeAfter(RuntimeException pending) {
        try {
            zip.close();
        } catch (IOException suppressed) {
            pending.addSuppressed(suppressed);
        }
    }

    void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot be closed: " + e.getMessage(), e);
        }
    }
}
