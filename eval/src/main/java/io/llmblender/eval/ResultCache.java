package io.llmblender.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Per-item results of a long evaluation, appended to a JSONL file as they are computed, so an interrupted run
 * resumes where it stopped. Keys name the ranker (model) and the item. A torn last line (a crash mid-write) is
 * ignored. Thread-safe.
 */
public final class ResultCache implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Double> values = new HashMap<>();
    private final Writer out;

    private ResultCache(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    JsonNode n = JSON.readTree(line);
                    values.put(n.get("key").asText(), n.get("value").asDouble());
                } catch (IOException | RuntimeException torn) {
                    // the line a crash cut short: recomputed
                }
            }
        }
        out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (Files.size(file) > 0
                && !Files.readString(file, StandardCharsets.UTF_8).endsWith("\n")) {
            out.write("\n"); // end the torn line so the next result starts a line of its own
        }
    }

    /**
     * Opens (or creates) the cache file, reading every complete line an earlier run wrote.
     *
     * @param file the JSONL file; its folder is created
     * @return the cache; the caller closes it
     */
    public static ResultCache open(Path file) {
        try {
            return new ResultCache(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the result cache " + file, e);
        }
    }

    /**
     * The cached value, or the computed one (then stored and flushed).
     *
     * @param key the ranker and item
     * @param compute computes the value when none is cached
     * @return the value, as an int
     */
    public synchronized int get(String key, IntSupplier compute) {
        Double v = values.get(key);
        if (v != null) {
            return v.intValue();
        }
        int computed = compute.getAsInt();
        put(key, computed);
        return computed;
    }

    /**
     * The cached value, or null when no earlier run stored one.
     *
     * @param key the ranker and item
     * @return the value, or null
     */
    public synchronized Double find(String key) {
        return values.get(key);
    }

    /**
     * Stores and flushes {@code value}; a float survives the round trip exactly (it is written as a double).
     *
     * @param key the ranker and item
     * @param value the value
     */
    public synchronized void put(String key, double value) {
        values.put(key, value);
        try {
            out.write(JSON.createObjectNode().put("key", key).put("value", value) + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The number of values held.
     *
     * @return the count
     */
    public synchronized int size() {
        return values.size();
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
