package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The published golden values of the real llm-blender/PairRM-hf (spec §7.7). Runs when the environment variable
 * {@code PAIRRM_HF_DIR} names a downloaded PairRM-hf folder; skipped, saying so, otherwise (the weights cannot
 * be downloaded on the build machines). Tolerance 1e-3: the published numbers come from a GPU run.
 */
class PairRmHfGoldenTest {
    static Path folder() {
        String dir = System.getenv("PAIRRM_HF_DIR");
        Assumptions.assumeTrue(
                dir != null && Files.isDirectory(Path.of(dir)),
                "PAIRRM_HF_DIR is not set: download llm-blender/PairRM-hf (e.g. `./blender rank --model"
                        + " llm-blender/PairRM-hf ...` once online) and run with PAIRRM_HF_DIR=<its folder>");
        return Path.of(dir);
    }

    @Test
    void the_readme_compare_pair_gives_the_published_logits() {
        try (PairRanker ranker = PairRanker.load(folder())) {
            List<Comparison> logits = ranker.compare(
                    null,
                    List.of("hello!", "I love you!"),
                    List.of("hi!", "I hate you!"),
                    List.of("f**k off!", "I love you, too!"),
                    CompareMode.A_B);
            assertThat((double) logits.get(0).logit()).isCloseTo(1.9003021717071533, Offset.offset(1e-3));
            assertThat((double) logits.get(1).logit()).isCloseTo(-1.2547134160995483, Offset.offset(1e-3));
        }
    }

    @Test
    void the_readme_rank_example_gives_the_published_ranks() {
        try (PairRanker ranker = PairRanker.load(folder())) {
            List<Ranking> r = ranker.rank(List.of(
                    new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!")),
                    new Item("I love you!", List.of("I love you too!", "I hate you!", "Thanks! You're a good guy!"))));
            assertThat(r.get(0).ranks()).containsExactly(3, 1, 2);
            assertThat(r.get(1).ranks()).containsExactly(1, 3, 2);
        }
    }
}
