package io.llmblender.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * What an earlier, interrupted run left in a JSONL file: the keys of its complete lines (ids of an output file,
 * line numbers of an errors file). A torn last line, one without its newline because the run was killed while
 * writing it, is cut off so that its record is done again. Immutable after {@link #open}.
 */
final class ResumedOutput {
    private final Set<String> keys;

    private ResumedOutput(Set<String> keys) {
        this.keys = keys;
    }

    /**
     * Reads {@code file} (absent: nothing done), cutting a torn last line, and keeps {@code key} of every line;
     * a complete line without a key is refused, as it would be lost or doubled.
     */
    static ResumedOutput open(Path file, Function<String, String> key) {
        Set<String> keys = new HashSet<>();
        if (!Files.exists(file)) {
            return new ResumedOutput(keys);
        }
        try {
            cutTornLine(file);
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                long n = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    n++;
                    String k = key.apply(line);
                    if (k == null) {
                        throw new IllegalStateException(file + " line " + n + " is not a record of this batch; fix or"
                                + " remove it (or write to another --output) before resuming");
                    }
                    keys.add(k);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to resume from it: " + e.getMessage(), e);
        }
        return new ResumedOutput(keys);
    }

    boolean contains(String key) {
        return keys.contains(key);
    }

    int size() {
        return keys.size();
    }

    /** Truncates the file after its last newline. */
    private static void cutTornLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = end;
            while (pos > 0) {
                int len = (int) Math.min(buf.capacity(), pos);
                pos -= len;
                buf.clear().limit(len);
                ch.read(buf, pos);
                for (int i = len - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        ch.truncate(pos + i + 1);
                        return;
                    }
                }
            }
            ch.truncate(0);
        }
    }
}
