package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.PairRanker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairLogitsTest {
    static final Path MODEL = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e");

    static PairwiseItem item(String prompt, String a, String b) {
        return new PairwiseItem(prompt, "g", prompt, a, b, PairwiseItem.FIRST);
    }

    @Test
    void a_resumed_run_reads_exact_logits_and_computes_only_what_is_missing(@TempDir Path tmp) {
        List<PairwiseItem> items = List.of(
                item("Add 2 and 2.", "4", "5"),
                item("Name a colour.", "Blue.", "A fish."),
                item("Say hi.", "Hi!", "Go away."));
        Path file = tmp.resolve("cache/agreement.jsonl");
        AtomicInteger rows = new AtomicInteger();
        try (PairRanker model = PairRanker.load(MODEL.toString())) {
            PairRanker counted = model.withOptions(model.options().withProgress((done, total) -> {
                if (done == total) {
                    rows.addAndGet(total);
                }
            }));
            // what the two runs compute: the first two items in one batch, the third in a batch of its own (batch
            // composition moves float sums in the last bit, so the expectation is built the same way)
            float[] firstTwo = PairLogits.compare(model, "", items.subList(0, 2), CompareMode.A_B, true, null);
            float[] third = PairLogits.compare(model, "", items.subList(2, 3), CompareMode.A_B, true, null);
            float[] direct = {firstTwo[0], firstTwo[1], third[0]};
            try (ResultCache cache = ResultCache.open(file)) {
                // the first two items were judged before an interruption
                PairLogits.compare(counted, "tiny", items.subList(0, 2), CompareMode.A_B, true, cache);
            }
            int firstRun = rows.getAndSet(0);
            assertThat(firstRun).isPositive();
            try (ResultCache cache = ResultCache.open(file)) {
                float[] resumed = PairLogits.compare(counted, "tiny", items, CompareMode.A_B, true, cache);
                assertThat(resumed).containsExactly(direct); // bit-exact through the JSON round trip
                int resumedRows = rows.getAndSet(0);
                assertThat(resumedRows).isPositive().isLessThan(firstRun);
                PairLogits.compare(counted, "tiny", items, CompareMode.A_B, true, cache);
                assertThat(rows.get()).as("everything cached").isZero();
                // another model, another order or another mode is never answered from this model's entries
                PairLogits.compare(counted, "other", items.subList(0, 1), CompareMode.A_B, true, cache);
                PairLogits.compare(counted, "tiny", items.subList(0, 1), CompareMode.A_B, false, cache);
                PairLogits.compare(counted, "tiny", items.subList(0, 1), CompareMode.BOTH, true, cache);
                assertThat(cache.size()).isEqualTo(6);
            }
        }
    }
}
