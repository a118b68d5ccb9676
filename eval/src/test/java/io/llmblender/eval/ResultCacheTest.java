package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
    @Test
    void a_second_run_reads_what_the_first_computed_and_a_torn_line_is_recomputed(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cache/picks.jsonl");
        AtomicInteger computed = new AtomicInteger();
        try (ResultCache c = ResultCache.open(file)) {
            assertThat(c.get("PairRM|0", () -> {
                        computed.incrementAndGet();
                        return 3;
                    }))
                    .isEqualTo(3);
            assertThat(c.get("PairRM|1", () -> {
                        computed.incrementAndGet();
                        return 1;
                    }))
                    .isEqualTo(1);
        }
        Files.writeString(
                file, "{\"key\":\"PairRM|2\",\"val", java.nio.file.StandardOpenOption.APPEND); // a crash mid-line
        try (ResultCache c = ResultCache.open(file)) {
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.get("PairRM|0", () -> {
                        computed.incrementAndGet();
                        return 99;
                    }))
                    .isEqualTo(3);
            assertThat(c.get("PairRM|2", () -> {
                        computed.incrementAndGet();
                        return 2;
                    }))
                    .isEqualTo(2);
        }
        assertThat(computed.get()).isEqualTo(3);
        try (ResultCache c = ResultCache.open(file)) {
            assertThat(c.size()).isEqualTo(3); // the result written after the torn line survived
        }
    }
}
