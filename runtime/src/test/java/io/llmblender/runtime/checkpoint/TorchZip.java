package io.llmblender.runtime.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    /**
     * {@code zip} with the sizes that entry {@code name}'s local and central headers declare replaced: a zip that
     * lies about what it holds, as a hostile one would.
     */
    static byte[] declaring(byte[] zip, String name, long size, long compressedSize) {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int patched = 0;
        for (int i = 0; i + 46 < out.length; i++) {
            int signature = b.getInt(i);
            // local header: sizes at 18 and 22, name length at 26, name at 30; central: 20, 24, 28 and 46
            int sizes = signature == 0x04034b50 ? 18 : signature == 0x02014b50 ? 20 : -1;
            if (sizes < 0) {
                continue;
            }
            int nameAt = signature == 0x04034b50 ? 30 : 46;
            int nameLength = b.getShort(i + sizes + 8) & 0xFFFF;
            if (nameLength == wanted.length
                    && Arrays.equals(out, i + nameAt, i + nameAt + nameLength, wanted, 0, wanted.length)) {
                b.putInt(i + sizes, (int) compressedSize);
                b.putInt(i + sizes + 4, (int) size);
                patched++;
            }
        }
        if (patched != 2) {
            throw new IllegalArgumentException(name + " has " + patched + " headers, not a local and a central one");
        }
        return out;
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
