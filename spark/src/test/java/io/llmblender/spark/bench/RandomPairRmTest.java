package io.llmblender.spark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's random model is a PairRM folder the loader takes at the asked width and depth. */
class RandomPairRmTest {
    @TempDir
    Path tmp;

    @Test
    void a_wider_deeper_random_model_loads_and_ranks() {
        Path dir = RandomPairRm.write(
                Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e"), tmp.resolve("m"), 64, 3);
        try (PairRanker ranker = PairRanker.load(dir)) {
            assertThat(ranker.model().encoderConfig().hiddenSize()).isEqualTo(64);
            assertThat(ranker.model().encoderConfig().numHiddenLayers()).isEqualTo(3);
            Ranking r = ranker.rank("hello!", List.of("hi!", "bye!", "f**k off!"));
            for (float s : r.scores()) {
                assertThat(s).isFinite();
            }
        }
    }
}
