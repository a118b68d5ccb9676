package io.llmblender.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A library user with slf4j-simple sees no DJL INFO lines and no CUDA detection warnings when the engine starts,
 * and gets them back by asking. Runs in a fresh JVM, since a logger's level is fixed when it is first created.
 */
class QuietEngineTest {
    /** The child: start the engine the way every model here does. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("engine " + DjlRuntime.engineVersion());
        }
    }

    static String run(String... properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        for (String p : properties) {
            cmd.add("-D" + p);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Child.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void the_engine_starts_without_info_lines_or_cuda_warnings_unless_asked() throws Exception {
        String quiet = run();
        assertThat(quiet).contains("engine 2.");
        assertThat(quiet).doesNotContain("INFO ai.djl").doesNotContain("CudaUtils");
        // asked for: the user's level wins
        String loud = run("org.slf4j.simpleLogger.log.ai.djl=info");
        assertThat(loud).contains("INFO ai.djl.pytorch.engine.PtEngine");
    }
}
