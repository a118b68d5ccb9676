package io.llmblender.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.query.Query;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.RankingModels;
import io.llmblender.ranker.RewardModel;
import io.llmblender.ranker.rm.TinyRewardModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reward models as langchain4j's {@code ScoringModel}, exercised through {@code ReRankingContentAggregator}. */
class RewardScoringModelTest {
    static final Path PAIRRM = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize();

    static Map<Query, Collection<List<Content>>> retrieved(String query, List<String> texts) {
        List<Content> contents = texts.stream().map(Content::from).toList();
        return Map.of(Query.from(query), List.of(contents));
    }

    static List<String> texts(List<Content> contents) {
        return contents.stream().map(c -> c.textSegment().text()).toList();
    }

    @Test
    void pairrm_reranks_retrieved_content_in_the_reference_s_order_with_its_scores() throws Exception {
        // given the e2e fixture's rank case "readme_rank": the reference's max_logits scores and best-first order
        JsonNode rank = null;
        for (JsonNode c : new ObjectMapper()
                .readTree(PAIRRM.resolve("cases.json").toFile())
                .get("rank_cases")) {
            if (c.get("name").asText().equals("readme_rank")) {
                rank = c;
            }
        }
        assertThat(rank).as("readme_rank in cases.json").isNotNull();
        try (PairRanker pairRm = PairRanker.load(PAIRRM)) {
            ContentAggregator aggregator = ReRankingContentAggregator.builder()
                    .scoringModel(new RewardScoringModel(pairRm))
                    .build();
            for (int n = 0; n < rank.get("inputs").size(); n++) {
                List<String> candidates = new ArrayList<>();
                rank.get("candidates").get(n).forEach(t -> candidates.add(t.asText()));
                // when the candidates come back from a retriever and are reranked against the input
                List<Content> reranked =
                        aggregator.aggregate(retrieved(rank.get("inputs").get(n).asText(), candidates));
                // then they come best first as the reference orders them, each with the reference's score
                List<String> expectedOrder = new ArrayList<>();
                rank.get("original_batched")
                        .get("order_best_first")
                        .get(n)
                        .forEach(i -> expectedOrder.add(candidates.get(i.asInt())));
                assertThat(texts(reranked)).containsExactlyElementsOf(expectedOrder);
                for (Content c : reranked) {
                    int i = candidates.indexOf(c.textSegment().text());
                    double expected = rank.get("original_batched")
                            .get("scores")
                            .get(n)
                            .get(i)
                            .asDouble();
                    assertThat((Double) c.metadata().get(ContentMetadata.RERANKED_SCORE))
                            .isCloseTo(expected, Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void the_deberta_reward_model_reranks_by_its_absolute_rewards_and_min_score_cuts_them(@TempDir Path tmp)
            throws Exception {
        // given a tiny DeBERTa reward model built from the e2e encoder with a random head, and its rewards computed
        // independently of the model class (plain-Java head on each unpadded row's [CLS] state)
        TinyRewardModel tiny = TinyRewardModel.build(PAIRRM, tmp, 1, 11);
        String query = "What is the capital of France?";
        List<String> segments =
                List.of("Paris.", "It is Paris, a city on the Seine.", "Lyon, I think.", "I do not know.");
        double[] expected = tiny.expectedRewards(query, segments);
        List<Integer> best = new ArrayList<>(List.of(0, 1, 2, 3));
        best.sort((x, y) -> Double.compare(expected[y], expected[x]));
        // a threshold between the second and the third best reward keeps exactly two
        double threshold = (expected[best.get(1)] + expected[best.get(2)]) / 2;
        try (RankingModel model = RankingModels.load(tmp.toString())) {
            ContentAggregator aggregator = ReRankingContentAggregator.builder()
                    .scoringModel(new RewardScoringModel(model))
                    .minScore(threshold)
                    .build();
            // when
            List<Content> reranked = aggregator.aggregate(retrieved(query, segments));
            // then the two best, best first, each with its own reward
            assertThat(texts(reranked)).containsExactly(segments.get(best.get(0)), segments.get(best.get(1)));
            for (int place = 0; place < 2; place++) {
                assertThat((Double) reranked.get(place).metadata().get(ContentMetadata.RERANKED_SCORE))
                        .isCloseTo(expected[best.get(place)], Offset.offset(2e-5));
            }
        }
    }

    @Test
    void a_pointwise_reward_model_s_absolute_scores_work_with_min_score_and_max_results() {
        // given a pointwise reward model whose reward is the number of words of the query the answer repeats
        RewardModel overlap = item -> {
            List<String> words = List.of(item.input().toLowerCase().split("\\W+"));
            float[] r = new float[item.size()];
            for (int c = 0; c < r.length; c++) {
                for (String w : item.candidates().get(c).toLowerCase().split("\\W+")) {
                    r[c] += words.contains(w) ? 1 : 0;
                }
            }
            return r;
        };
        ContentAggregator aggregator = ReRankingContentAggregator.builder()
                .scoringModel(new RewardScoringModel(overlap))
                .minScore(1.0)
                .maxResults(2)
                .build();
        // when
        List<Content> reranked = aggregator.aggregate(retrieved(
                "capital of France",
                List.of("Bananas are yellow.", "France is in Europe.", "The capital of France is Paris.")));
        // then: scores 0, 1 and 3; the one below minScore is dropped, the rest come best first
        assertThat(texts(reranked)).containsExactly("The capital of France is Paris.", "France is in Europe.");
        assertThat(reranked.get(0).metadata().get(ContentMetadata.RERANKED_SCORE))
                .isEqualTo(3.0);
    }

    @Test
    void no_segments_score_nothing_and_a_model_that_miscounts_is_named() {
        RewardScoringModel none = new RewardScoringModel(item -> {
            throw new AssertionError("not called for no segments");
        });
        assertThat(none.scoreAll(List.of(), "q").content()).isEmpty();
        RewardScoringModel miscounting = new RewardScoringModel(item -> new float[] {1f});
        assertThatThrownBy(() -> miscounting.scoreAll(List.of(TextSegment.from("a"), TextSegment.from("b")), "q"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned 1 rewards for 2 segments");
        assertThat(new RewardScoringModel(item -> new float[] {0.5f})
                        .score("answer", "question")
                        .content())
                .isEqualTo(0.5);
    }
}
