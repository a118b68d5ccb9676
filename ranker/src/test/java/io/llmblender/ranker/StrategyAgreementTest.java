package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.pairrm.PairRmFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How often the selection strategies agree with the full matrix on the end-to-end rank cases
 * ({@code -Dpairrm.e2e}), over many seeds. Asserted: where the full matrix has a Condorcet winner (it wins
 * both-order duels against every other candidate), bubble selection, the knockout and top-K's first place pick
 * it whatever the start order, because it wins every duel it plays. Where it has none, agreement depends on the
 * start order; those figures are printed for the README, not asserted. The strategies are run on the verdicts of
 * the full matrix itself (PairRM computed every ordered pair once), so they are judged on exactly the same logits
 * and each seed costs no forward pass.
 */
class StrategyAgreementTest {
    static final int SEEDS = 32;

    static JsonNode cases;
    static PairRanker ranker;

    @BeforeAll
    static void load() throws IOException {
        Path folder = PairRmFixture.folder("pairrm.e2e", "fixtures/pairrm-e2e");
        cases = new ObjectMapper().readTree(folder.resolve("cases.json").toFile());
        ranker = PairRanker.load(folder);
    }

    @AfterAll
    static void close() {
        ranker.close();
    }

    @Test
    void strategies_find_the_condorcet_winner_and_report_their_agreement_with_the_full_matrix() {
        Map<String, int[]> agree = new LinkedHashMap<>(); // strategy -> {agreed, runs}
        int items = 0;
        int condorcet = 0;
        for (JsonNode c : cases.get("rank_cases")) {
            for (Item item : PairRankerE2eTest.items(c, "candidates")) {
                if (item.size() < 3) {
                    continue;
                }
                items++;
                Ranking full = ranker.rank(item);
                float[][] m = full.matrix();
                int winner = condorcetWinner(m);
                condorcet += winner >= 0 ? 1 : 0;
                if (winner >= 0) {
                    count(agree, "max_logits best = Condorcet", full.bestIndex() == winner);
                }
                int k = Math.min(3, item.size() - 1);
                Set<Integer> fullTop = new HashSet<>();
                for (int i = 0; i < k; i++) {
                    fullTop.add(full.order()[i]);
                }
                PairScorer verdicts = (list, pairs) -> {
                    float[] out = new float[pairs.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = m[pairs.get(i).first()][pairs.get(i).second()];
                    }
                    return out;
                };
                for (long seed = 0; seed < SEEDS; seed++) {
                    for (Strategy s : List.of(Strategy.BUBBLE, Strategy.KNOCKOUT, Strategy.TOP_K)) {
                        Selection sel = s.selector(null, verdicts, seed).select(item, s == Strategy.TOP_K ? k : 1);
                        if (winner >= 0) {
                            assertThat(sel.bestIndex())
                                    .as("%s with seed %d on %s", s, seed, item.input())
                                    .isEqualTo(winner);
                        }
                        count(agree, s.configName() + " best = full best", sel.bestIndex() == full.bestIndex());
                        if (s == Strategy.TOP_K) {
                            count(agree, "top-k set = full top-" + k, new HashSet<>(sel.best()).equals(fullTop));
                        }
                    }
                }
            }
        }
        System.out.printf(
                "strategy agreement on %d e2e rank inputs (C >= 3), %d seeds each; %d have a Condorcet winner%n",
                items, SEEDS, condorcet);
        agree.forEach(
                (what, n) -> System.out.printf("  %-28s %5.1f%% (%d of %d)%n", what, 100.0 * n[0] / n[1], n[0], n[1]));
        assertThat(items).isPositive();
    }

    /** The candidate whose both-order duel margin {@code f(a,b) − f(b,a)} is positive against every other, or −1. */
    static int condorcetWinner(float[][] m) {
        for (int a = 0; a < m.length; a++) {
            boolean all = true;
            for (int b = 0; b < m.length && all; b++) {
                all = a == b || m[a][b] - m[b][a] > 0;
            }
            if (all) {
                return a;
            }
        }
        return -1;
    }

    private static void count(Map<String, int[]> agree, String what, boolean hit) {
        int[] n = agree.computeIfAbsent(what, w -> new int[2]);
        n[0] += hit ? 1 : 0;
        n[1]++;
    }
}
