package io.llmblender.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.ranker.Ranking;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled all-MiniLM-L6-v2, run for real: the answer the others agree with wins, the outlier loses. */
class ConsensusRankerTest {
    @Test
    void the_majority_answer_ranks_first_and_the_outlier_last() {
        List<String> answers = List.of(
                "The capital of France is Paris.",
                "Bananas are a good source of potassium.",
                "Paris is the capital city of France.",
                "France's capital is Paris, on the Seine.");
        Ranking r = new ConsensusRanker().rank("What is the capital of France?", answers);
        assertThat(r.ranks()[1]).isEqualTo(4);
        assertThat(r.order()[0]).isIn(0, 2, 3);
        float[][] m = r.matrix();
        assertThat(m[0][2]).isGreaterThan(m[0][1]);
        assertThat(m[1][1]).isEqualTo(1f);
        assertThat(new ConsensusRanker().rank("q", List.of("only one")).ranks()).containsExactly(1);
        // blank answers (here a newline and a zero-width space, as tulu-2-dpo-70b once answered) are ranked, not
        // refused
        assertThat(new ConsensusRanker()
                        .rank("q", List.of("Paris.", "Paris is the capital.", "\n", "\u200b"))
                        .ranks())
                .hasSize(4);
    }
}
