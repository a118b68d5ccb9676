package io.llmblender.runtime.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip laid out like {@code torch.save}'s: every entry stored uncompressed (torch never compresses,
 * so that storages can be memory-mapped), under one top folder.
 */
final class TorchZip {
    private TorchZip() {}

    /** {@code entries} maps a name inside the top folder (e.g. {@code data.pkl}, {@code data/0}) to its bytes. */
    static Path write(Path target, String folder, Map<String, byte[]> entries) {
        try (OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(stored(folder + e.getKey(), e.getValue()));
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** An uncompressed entry: the zip format wants its size and CRC-32 before the data. */
    static ZipEntry stored(String name, byte[] content) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        return entry;
    }
}
