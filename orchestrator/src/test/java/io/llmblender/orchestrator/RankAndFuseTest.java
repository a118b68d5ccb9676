package io.llmblender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankAndFuseTest {
    @Test
    void the_fuser_gets_the_stable_top_k_best_first_and_the_result_keeps_the_ranking() {
        // given a ranker that scores by length (ties between "bb" and "cc" keep their order) and a recording fuser
        List<FusionRequest> seen = new ArrayList<>();
        RankAndFuse blend = new RankAndFuse(
                TestRankers.BY_LENGTH,
                request -> {
                    seen.add(request);
                    return new FusionResult(String.join("+", request.candidates()), 1, Duration.ZERO, "test");
                },
                3);
        // when
        RankAndFuse.Result r = blend.rankAndFuse("Be brief.", "question", List.of("a", "bb", "dddd", "cc"));
        // then
        assertThat(r.fused()).containsExactly("dddd", "bb", "cc");
        assertThat(r.fusion().text()).isEqualTo("dddd+bb+cc");
        assertThat(r.ranking().ranks()).containsExactly(4, 2, 1, 2);
        assertThat(seen.get(0).instruction()).isEqualTo("Be brief.");
        assertThat(seen.get(0).input()).isEqualTo("question");
    }

    @Test
    void pairrm_and_genfuser_blend_end_to_end_on_the_tiny_fixture_models() {
        Path ranker = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
                .toAbsolutePath()
                .normalize();
        Path fuser = Path.of("../fuser/src/test/resources/fixtures/genfuser-e2e")
                .toAbsolutePath()
                .normalize();
        try (PairRanker pairRm = PairRanker.load(ranker);
                GenFuser genFuser = GenFuser.load(fuser)) {
            List<String> candidates = List.of("get out!", "hi! I am fine, thanks!", "bye!", "hello there");
            RankAndFuse.Result r =
                    new RankAndFuse(pairRm, genFuser, 2).rankAndFuse(null, "hello, how are you!", candidates);
            Ranking direct = pairRm.rank("hello, how are you!", candidates);
            assertThat(r.ranking().scores()).containsExactly(direct.scores());
            assertThat(r.fused()).isEqualTo(direct.best(2));
            assertThat(r.fusion().text())
                    .isEqualTo(genFuser.fuse(new FusionRequest("hello, how are you!", direct.best(2)))
                            .text());
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
