package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pair rows packed into passes by a padded-token budget. */
class BatchingTest {
    @Test
    void passes_are_longest_first_and_never_exceed_the_token_budget() {
        int[] lengths = new int[200];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 20 + random.nextInt(1100);
        }
        Batching budget = new Batching(64, 4096);
        List<int[]> passes = budget.pack(lengths);
        List<Integer> seen = new ArrayList<>();
        int previousWidth = Integer.MAX_VALUE;
        for (int[] pass : passes) {
            int width = Arrays.stream(pass).map(i -> lengths[i]).max().orElseThrow();
            assertThat(lengths[pass[0]]).as("a pass is padded to its first row").isEqualTo(width);
            assertThat((long) pass.length * width).isLessThanOrEqualTo(4096);
            assertThat(width).isLessThanOrEqualTo(previousWidth);
            previousWidth = width;
            Arrays.stream(pass).forEach(seen::add);
        }
        assertThat(seen).as("every row exactly once").containsExactlyInAnyOrderElementsOf(range(lengths.length));
        // sorted packing wastes little: padding below 10% of the tokens here
        long padded =
                passes.stream().mapToLong(p -> (long) p.length * lengths[p[0]]).sum();
        long real = Arrays.stream(lengths).asLongStream().sum();
        assertThat((double) (padded - real) / padded).isLessThan(0.10);
    }

    @Test
    void a_row_longer_than_the_budget_runs_alone_and_the_row_limit_holds() {
        assertThat(new Batching(64, 1000).pack(new int[] {1500, 10, 10}))
                .satisfiesExactly(
                        p -> assertThat(p).containsExactly(0),
                        p -> assertThat(p).containsExactly(1, 2));
        assertThat(Batching.rows(2).pack(new int[] {5, 5, 5, 5, 5})).hasSize(3);
        assertThatThrownBy(() -> new Batching(0, 10)).hasMessageContaining("at least one row");
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
