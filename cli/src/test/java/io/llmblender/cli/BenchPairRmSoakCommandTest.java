package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A short run of the PairRM soak: concurrent compare calls leave the model's native arrays as they were. */
class BenchPairRmSoakCommandTest {
    @Test
    void concurrent_compare_calls_leave_the_models_arrays_as_they_were() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new BlenderCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        Path model = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
                .toAbsolutePath()
                .normalize();
        // a generous RSS bound: a short run is still inside the allocator's warm-up; the arrays must be exact
        int code = cmd.execute(
                "bench",
                "soak-pairrm",
                "--model",
                model.toString(),
                "--calls",
                "400",
                "--warmup",
                "100",
                "--max-growth",
                "1024");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("300 compare calls from 4 threads")
                .containsPattern("model arrays after warm-up (\\d+), at the end \\1: flat");
    }
}
