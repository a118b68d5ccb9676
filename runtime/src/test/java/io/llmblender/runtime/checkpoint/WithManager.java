package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDManager;
import io.llmblender.runtime.DjlRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Reader tests load into one manager per test class and write their corrupted files to a temporary folder. */
abstract class WithManager {
    static NDManager manager;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startManager() {
        manager = DjlRuntime.newManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }
}
