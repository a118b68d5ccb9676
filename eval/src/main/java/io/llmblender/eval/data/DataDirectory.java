package io.llmblender.eval.data;

import io.llmblender.runtime.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmark data lives: a folder laid out like {@code shared/data} (one sub-folder per benchmark).
 * Missing files get an error that says where they were looked for and how to get them.
 */
public record DataDirectory(Path root) {
    /** The file {@code relative} of a benchmark, which must exist. */
    public Path require(String relative) {
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, null, "does not exist; point --data at a folder laid out like the"
                    + " project's shared/data (it holds " + relative + "), or fetch the benchmark from the source its"
                    + " README names");
        }
        return file;
    }

    public boolean has(String relative) {
        return Files.isRegularFile(root.resolve(relative));
    }
}
