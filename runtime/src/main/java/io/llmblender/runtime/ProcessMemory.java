package io.llmblender.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as Linux reports it in {@code /proc/self/status}: Java heap, native torch
 * memory and mapped weight pages together, which is what matters for a model that lives mostly off-heap.
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /**
     * Current resident set size in bytes ({@code VmRSS}), or -1 where /proc is not available.
     *
     * @return bytes resident now, or -1
     */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /**
     * Peak resident set size in bytes ({@code VmHWM}), or -1 where /proc is not available.
     *
     * @return the most bytes resident at once so far, or -1
     */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
