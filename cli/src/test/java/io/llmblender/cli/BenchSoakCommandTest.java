package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A tiny run of {@code blender bench soak}: the real soak is 200 requests and runs outside the unit tests. */
class BenchSoakCommandTest {
    final CliRun cli = new CliRun();

    @Test
    void a_tiny_soak_accounts_for_every_request_and_cuts_off_the_slow_client() {
        int code = cli.run(
                "bench",
                "soak",
                "--requests",
                "6",
                "--clients",
                "3",
                "--slow",
                "1",
                "--server-slots",
                "2",
                "--timeout",
                "1");
        String out = cli.out.toString();
        assertThat(code).as(out + cli.err).isZero();
        assertThat(out).contains("PASSED");
        // | answered | refused | lost | slow cut off | ...: the answered and refused add up to the 6 sent
        Matcher row = Pattern.compile("\\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) of (\\d+) \\|")
                .matcher(out);
        assertThat(row.find()).as(out).isTrue();
        assertThat(Integer.parseInt(row.group(1)) + Integer.parseInt(row.group(2)))
                .isEqualTo(6);
        assertThat(row.group(3)).isEqualTo("0");
        assertThat(Integer.parseInt(row.group(5))).isPositive();
        assertThat(row.group(4)).isEqualTo(row.group(5));
    }
}
