package io.llmblender.eval;

import io.llmblender.eval.data.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The benchmark data folder for tests: {@code -Dblender.data=<folder>}, else {@code shared/data} beside the
 * project. Tests that need it are skipped, saying how to get it, when it is not there.
 */
final class Data {
    private Data() {}

    static DataDirectory require(String relative) {
        String configured = System.getProperty("blender.data");
        Path root = configured != null
                ? Path.of(configured)
                : Path.of("../../shared/data").toAbsolutePath().normalize();
        Assumptions.assumeTrue(
                Files.isRegularFile(root.resolve(relative)),
                () -> "benchmark data " + relative
                        + " not found under " + root
                        + "; run with -Dblender.data=<folder laid out like shared/data> or put the"
                        + " project's shared/ folder beside the clone");
        return new DataDirectory(root);
    }
}
