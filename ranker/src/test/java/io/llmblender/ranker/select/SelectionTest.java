package io.llmblender.ranker.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.ranker.PairScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selection algorithms on fake scorers (no model): f(a, b) = q[a] − q[b] over a quality table. */
class SelectionTest {
    /** A scorer from quality tables per input, counting the verdicts it is asked for. */
    static final class QualityScorer implements PairScorer {
        final double[][] quality;
        int verdicts;

        QualityScorer(double[]... quality) {
            this.quality = quality;
        }

        @Override
        public float[] logits(List<Pair> pairs) {
            verdicts += pairs.size();
            float[] out = new float[pairs.size()];
            for (int k = 0; k < out.length; k++) {
                Pair p = pairs.get(k);
                out[k] = (float) (quality[p.input()][p.first()] - quality[p.input()][p.second()]);
            }
            return out;
        }
    }

    @Test
    void bubble_selection_reproduces_the_spec_toy_example_in_two_verdicts_per_step() {
        // given q = [0.3, 0.9, 0.1, 0.5] and the start permutation [2, 0, 3, 1] (spec §3.5)
        QualityScorer scorer = new QualityScorer(new double[] {0.3, 0.9, 0.1, 0.5});
        BubbleSelection.Result best =
                BubbleSelection.select(new int[][] {{2, 0, 3, 1}}, scorer, true).get(0);
        assertThat(best.winner()).isEqualTo(1);
        assertThat(best.eliminatedInOrder()).containsExactly(2, 0, 3);
        assertThat(scorer.verdicts).isEqualTo(2 * (4 - 1));
        BubbleSelection.Result worst = BubbleSelection.select(new int[][] {{2, 0, 3, 1}}, scorer, false)
                .get(0);
        assertThat(worst.winner()).isEqualTo(2);
        assertThat(worst.eliminatedInOrder()).containsExactly(0, 3, 1);
    }

    @Test
    void a_tie_carries_the_next_candidate_in_both_modes() {
        QualityScorer scorer = new QualityScorer(new double[] {0.5, 0.5});
        assertThat(BubbleSelection.select(new int[][] {{0, 1}}, scorer, true)
                        .get(0)
                        .winner())
                .isEqualTo(1);
        assertThat(BubbleSelection.select(new int[][] {{0, 1}}, scorer, false)
                        .get(0)
                        .winner())
                .isEqualTo(1);
    }

    @Test
    void inputs_of_different_sizes_run_together_and_a_single_candidate_needs_no_verdict() {
        QualityScorer scorer = new QualityScorer(new double[] {0.1, 0.7, 0.3}, new double[] {1.0});
        List<BubbleSelection.Result> r = BubbleSelection.select(new int[][] {{0, 1, 2}, {0}}, scorer, true);
        assertThat(r.get(0).winner()).isEqualTo(1);
        assertThat(r.get(1).winner()).isZero();
        assertThat(r.get(1).steps()).isEmpty();
        assertThat(scorer.verdicts).isEqualTo(4);
    }

    @Test
    void full_pairwise_asks_c_times_c_minus_one_verdicts_and_max_logits_orders_by_quality() {
        QualityScorer scorer = new QualityScorer(new double[] {0.2, 0.9, 0.5, 0.1});
        float[][][] m = FullPairwise.matrices(new int[] {4}, scorer);
        assertThat(scorer.verdicts).isEqualTo(12);
        assertThat(m[0][1][1]).isZero();
        int[] ranks = Aggregation.ranks(Aggregation.scores(m[0], Aggregation.Policy.MAX_LOGITS));
        assertThat(ranks).containsExactly(3, 1, 2, 4);
        assertThat(Aggregation.orderBestFirst(ranks)).containsExactly(1, 2, 0, 3);
        assertThat(Aggregation.orderWorstFirst(ranks)).containsExactly(3, 0, 2, 1);
    }

    @Test
    void max_wins_keeps_the_reference_formula_and_the_corrected_one_counts_both_directions() {
        float[][] m = {{0, 2, -1}, {1, 0, 0.5f}, {3, -2, 0}};
        assertThat(Aggregation.scores(m, Aggregation.Policy.MAX_LOGITS)).containsExactly(-1.0f, 0.5f, 0.5f);
        assertThat(Aggregation.scores(m, Aggregation.Policy.MAX_WINS)).containsExactly(1.0f, 2 + 1f / 3, 1 + 1f / 3);
        assertThat(Aggregation.scores(m, Aggregation.Policy.MAX_WINS_CORRECTED)).containsExactly(1f, 3f, 2f);
        assertThat(Aggregation.ranks(new float[] {5, 5, 3})).containsExactly(1, 1, 3);
    }

    @Test
    void a_non_permutation_is_refused() {
        QualityScorer scorer = new QualityScorer(new double[] {0.1, 0.2});
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        BubbleSelection.select(new int[][] {{0, 0}}, scorer, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a permutation");
    }
}
