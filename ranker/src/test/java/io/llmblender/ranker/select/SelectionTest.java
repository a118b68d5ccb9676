package io.llmblender.ranker.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.StartOrder;
import io.llmblender.ranker.Strategy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The selection algorithms on fake scorers (no model): f(a, b) = q[a] − q[b] over a quality table. */
class SelectionTest {
    /**
     * A scorer from quality tables per input, f(a, b) = q[a] − q[b], counting the verdicts it is asked for and
     * the calls (each call is what a model would batch into its forward passes).
     */
    static final class QualityScorer implements PairScorer, PairScorer.Bound {
        final double[][] quality;
        int verdicts;
        int calls;

        QualityScorer(double[]... quality) {
            this.quality = quality;
        }

        @Override
        public float[] logits(List<Pair> pairs) {
            verdicts += pairs.size();
            calls++;
            float[] out = new float[pairs.size()];
            for (int k = 0; k < out.length; k++) {
                Pair p = pairs.get(k);
                out[k] = (float) (quality[p.item()][p.first()] - quality[p.item()][p.second()]);
            }
            return out;
        }

        @Override
        public float[] logits(List<Item> items, List<Pair> pairs) {
            return logits(pairs);
        }

        /** The candidates' indices by quality, best first (computed here, independently of any selector). */
        int[] byQuality(int input) {
            return IntStream.range(0, quality[input].length)
                    .boxed()
                    .sorted((a, b) -> Double.compare(quality[input][b], quality[input][a]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
    }

    static Item item(int candidates) {
        return new Item(
                "q", IntStream.range(0, candidates).mapToObj(i -> "answer " + i).toList());
    }

    @Test
    void bubble_selection_reproduces_the_spec_toy_example_in_two_verdicts_per_step() {
        // given q = [0.3, 0.9, 0.1, 0.5] and the start permutation [2, 0, 3, 1] (spec §3.5)
        QualityScorer scorer = new QualityScorer(new double[] {0.3, 0.9, 0.1, 0.5});
        BubbleSelection.Result best =
                BubbleSelection.run(new int[][] {{2, 0, 3, 1}}, scorer, true).get(0);
        assertThat(best.winner()).isEqualTo(1);
        assertThat(best.eliminatedInOrder()).containsExactly(2, 0, 3);
        assertThat(scorer.verdicts).isEqualTo(2 * (4 - 1));
        BubbleSelection.Result worst =
                BubbleSelection.run(new int[][] {{2, 0, 3, 1}}, scorer, false).get(0);
        assertThat(worst.winner()).isEqualTo(2);
        assertThat(worst.eliminatedInOrder()).containsExactly(0, 3, 1);
    }

    @Test
    void a_tie_carries_the_next_candidate_in_both_modes() {
        QualityScorer scorer = new QualityScorer(new double[] {0.5, 0.5});
        assertThat(BubbleSelection.run(new int[][] {{0, 1}}, scorer, true)
                        .get(0)
                        .winner())
                .isEqualTo(1);
        assertThat(BubbleSelection.run(new int[][] {{0, 1}}, scorer, false)
                        .get(0)
                        .winner())
                .isEqualTo(1);
    }

    @Test
    void inputs_of_different_sizes_run_together_and_a_single_candidate_needs_no_verdict() {
        QualityScorer scorer = new QualityScorer(new double[] {0.1, 0.7, 0.3}, new double[] {1.0});
        List<BubbleSelection.Result> r = BubbleSelection.run(new int[][] {{0, 1, 2}, {0}}, scorer, true);
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
                        BubbleSelection.run(new int[][] {{0, 0}}, scorer, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a permutation");
    }

    @Test
    void knockout_finds_the_best_in_c_minus_one_duels_and_log2_c_rounds() {
        // given five candidates of distinct quality
        QualityScorer scorer = new QualityScorer(new double[] {0.3, 0.9, 0.1, 0.5, 0.7});
        // when
        Selection s = Strategy.KNOCKOUT.selector(null, scorer, 7).select(item(5), 1);
        // then
        assertThat(s.bestIndex()).isEqualTo(scorer.byQuality(0)[0]);
        assertThat(scorer.verdicts).isEqualTo(2 * (5 - 1));
        assertThat(scorer.calls).isEqualTo(3); // ceil(log2 5): every duel of a round in one call
        assertThat(s.verdicts()).hasSize(8);
    }

    @Test
    void knockout_worst_is_the_lowest_quality() {
        QualityScorer scorer = new QualityScorer(new double[] {0.3, 0.9, 0.1, 0.5, 0.7, 0.2});
        assertThat(new KnockoutTournament(scorer, 3).worst(item(6))).isEqualTo(scorer.byQuality(0)[5]);
    }

    @Test
    void a_round_of_many_items_is_one_call() {
        // given two items of four candidates each
        QualityScorer scorer = new QualityScorer(new double[] {0.1, 0.4, 0.3, 0.2}, new double[] {0.8, 0.1, 0.5, 0.9});
        // when both are selected together
        List<Selection> s = new KnockoutTournament(scorer, 1).select(List.of(item(4), item(4)), 1);
        // then two rounds of two duels per item, each round one call for both items
        assertThat(s.get(0).bestIndex()).isEqualTo(1);
        assertThat(s.get(1).bestIndex()).isEqualTo(3);
        assertThat(scorer.calls).isEqualTo(2);
        assertThat(scorer.verdicts).isEqualTo(2 * 2 * 3);
    }

    @Test
    void tournament_top_k_finds_the_true_top_k_with_fewer_rows_than_the_full_matrix() {
        // given eight candidates in a consistent order
        double[] q = {0.15, 0.8, 0.05, 0.6, 0.95, 0.3, 0.7, 0.45};
        for (long seed = 0; seed < 20; seed++) {
            QualityScorer scorer = new QualityScorer(q);
            // when
            Selection s = Strategy.TOP_K.selector(null, scorer, seed).select(item(8), 3);
            // then the three best, best first, in fewer pair rows than C·(C−1) = 56
            int[] expected = scorer.byQuality(0);
            assertThat(s.best()).containsExactly(expected[0], expected[1], expected[2]);
            assertThat(scorer.verdicts).isLessThanOrEqualTo(2 * (7 + 2 * 3)).isLessThan(56);
            assertThat(s.ranking()).isNull();
        }
    }

    @Test
    void top_k_of_more_than_there_are_returns_all_in_order() {
        QualityScorer scorer = new QualityScorer(new double[] {0.2, 0.9, 0.5});
        assertThat(new TournamentTopK(scorer, 5).select(item(3), 10).best()).containsExactly(1, 2, 0);
    }

    @Test
    void bubble_and_knockout_select_one_only_and_say_what_to_use_for_more() {
        QualityScorer scorer = new QualityScorer(new double[] {0.2, 0.9, 0.5});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BubbleSelection(scorer, 1).select(item(3), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use top-k or full");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KnockoutTournament(scorer, 1).select(item(3), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use top-k or full");
    }

    @Test
    void start_orders_are_reproducible_per_content_and_differ_between_requests() {
        Item a = new Item("What is 2+2?", List.of("4", "5", "four", "22", "IV"));
        int[] first = StartOrder.of(7, a);
        assertThat(StartOrder.of(7, a)).containsExactly(first);
        assertThat(new HashSet<>(Arrays.asList(Arrays.stream(first).boxed().toArray(Integer[]::new))))
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        // over many inputs, the orders are not all the same (a fixed seed alone would make them so)
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(Arrays.toString(StartOrder.of(7, new Item("question " + i, a.candidates()))));
        }
        assertThat(seen).hasSizeGreaterThan(5);
    }

    @Test
    void a_seeded_shuffle_is_a_permutation() {
        int[] p = StartOrder.shuffled(6, new SplittableRandom(3));
        assertThat(Arrays.stream(p).sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5);
    }
}
