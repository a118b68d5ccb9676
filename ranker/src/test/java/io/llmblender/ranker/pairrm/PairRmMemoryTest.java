package io.llmblender.ranker.pairrm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.runtime.ProcessMemory;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many forward passes: each pass owns its own scope, and nothing it computes is
 * left attached to the model's weights.
 *
 * <p>RSS also counts Java heap pages the first time the allocator touches them; each pass leaves ~80 KB of
 * ordinary garbage (DJL's array handles). The ranker's test JVM therefore runs with a small young generation
 * ({@code -Xmn32m} in its pom) and the test warms up for as many passes as it measures, so the young
 * generation has been touched and collected before the baseline and what remains is native growth.
 */
class PairRmMemoryTest {
    static final int PASSES = 400; // a leak of 41 KiB a pass (most of one batch3_long hidden state) fails
    static final long ALLOWED_GROWTH = 16L << 20; // measured: 0.1 MiB over 1,000 passes

    @Test
    void hundreds_of_forward_passes_keep_resident_memory_flat() {
        PairRmFixture fixture = PairRmFixture.load();
        JsonNode c = fixture.cases().stream()
                .filter(x -> x.get("name").asText().equals("batch3_long"))
                .findFirst()
                .orElse(fixture.cases().get(0));
        long[][] ids = PairRmFixture.longs2(c.get("input_ids"));
        long[][] mask = PairRmFixture.longs2(c.get("attention_mask"));
        try (PairRm model = PairRm.load(fixture.folder())) {
            // warm up allocator pools and the engine's caches before the baseline
            for (int i = 0; i < PASSES; i++) {
                model.logits(ids, mask);
            }
            int managedArrays = model.managedArrays();
            long before = ProcessMemory.residentBytes();
            for (int i = 0; i < PASSES; i++) {
                model.logits(ids, mask);
            }
            long growth = ProcessMemory.residentBytes() - before;
            System.out.printf("RSS growth over %d passes: %.1f MiB%n", PASSES, growth / 1048576.0);
            assertThat(before).as("RSS is readable from /proc").isPositive();
            assertThat(model.managedArrays()).as("arrays held by the model").isEqualTo(managedArrays);
            assertThat(growth).as("RSS growth in bytes").isLessThan(ALLOWED_GROWTH);
        }
    }
}
