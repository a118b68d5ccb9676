package io.llmblender.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.Strategy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batch ranking on the tiny end-to-end PairRM folder (real tokenizer, random weights): full ranks and scores
 * are the reference's golden values of the fixture; bubble and knockout find what the ranker's own selectors
 * find one item at a time, whatever else shares the chunk.
 */
class BatchRankerTest {
    static final Path MODEL = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e");
    static PairRanker ranker;

    // pairrm-e2e cases.json, rank_cases "readme_rank": inputs, candidates, cmp_matrix, scores and ranks
    static final RankRecord HELLO =
            new RankRecord("hello", null, "hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!"));
    static final RankRecord LOVE = new RankRecord(
            "love", null, "I love you!", List.of("I love you too!", "I hate you!", "Thanks! You're a good guy!"));
    static final float[][] HELLO_MATRIX = {
        {0f, 0.37675315f, -0.16862756f}, {-0.14160699f, 0f, -0.34523207f}, {0.023609519f, 0.2693373f, 0f}
    };

    @BeforeAll
    static void load() {
        ranker = PairRanker.load(MODEL);
    }

    @AfterAll
    static void close() {
        ranker.close();
    }

    @Test
    void full_gives_the_reference_ranks_scores_and_matrix_and_the_both_orders_margin() {
        List<RankResult> rs = new BatchRanker(ranker, Strategy.FULL, PairRankerOptions.DEFAULT_SEED, true, true)
                .rank(List.of(HELLO, LOVE));

        RankResult hello = rs.get(0);
        assertThat(hello.id()).isEqualTo("hello");
        assertThat(hello.ranks()).containsExactly(2, 3, 1);
        assertThat(hello.scores()).containsExactly(new float[] {0.10870769f, -0.3776432f, 0.26893547f}, within(5e-6f));
        assertThat(hello.best()).isEqualTo(2);
        assertThat(hello.worst()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            assertThat(hello.matrix()[i]).containsExactly(HELLO_MATRIX[i], within(5e-6f));
        }
        assertThat(hello.margin()).isCloseTo(0.2693373f - -0.34523207f, within(1e-5f));
        assertThat(rs.get(1).ranks()).containsExactly(3, 2, 1);
        assertThat(rs.get(1).best()).isEqualTo(2);
        assertThat(rs.get(1).worst()).isEqualTo(0);
    }

    @Test
    void bubble_and_knockout_find_what_the_rankers_selectors_find_and_leave_ranks_null() {
        RankRecord four = new RankRecord(
                "four",
                "Answer briefly. ",
                "What is the capital of France?",
                List.of("Paris.", "Lyon.", "It is Paris", "Rome"));
        RankRecord two = new RankRecord("two", null, "hello!", List.of("hi!", "f**k off!"));
        List<RankRecord> records = List.of(HELLO, four, LOVE, two);
        for (Strategy s : List.of(Strategy.BUBBLE, Strategy.KNOCKOUT)) {
            List<RankResult> rs = new BatchRanker(ranker, s, PairRankerOptions.DEFAULT_SEED, true, true).rank(records);
            for (int i = 0; i < records.size(); i++) {
                Item item = records.get(i).item();
                RankResult r = rs.get(i);
                assertThat(r.id()).isEqualTo(records.get(i).id());
                assertThat(r.best())
                        .as(s + " best of " + r.id())
                        .isEqualTo(ranker.selector(s).best(item));
                assertThat(r.worst())
                        .as(s + " worst of " + r.id())
                        .isEqualTo(ranker.selector(s).worst(item));
                assertThat(r.ranks()).isNull();
                assertThat(r.scores()).isNull();
                assertThat(r.matrix()).isNull();
                float[][] m = ranker.rank(item).matrix();
                assertThat(r.margin()).isCloseTo(m[r.best()][r.worst()] - m[r.worst()][r.best()], within(1e-5f));
            }
        }
    }

    @Test
    void one_candidate_is_its_own_best_and_worst_with_margin_zero() {
        RankResult r = new BatchRanker(ranker, Strategy.BUBBLE, 7, false, true)
                .rank(List.of(new RankRecord("one", null, "q", List.of("only"))))
                .get(0);
        assertThat(r.best()).isZero();
        assertThat(r.worst()).isZero();
        assertThat(r.margin()).isZero();
    }
}
