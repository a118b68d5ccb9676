package io.llmblender.ranker.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.RankingModels;
import io.llmblender.ranker.Strategy;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DeBERTa reward model (spec §5) on a tiny random model built here: rewards against a plain-Java pooler and
 * classifier applied to the encoder's {@code [CLS]} state (the encoder itself is under PairRM's parity tests), each
 * row laid out here as {@code [CLS] source [SEP] candidate [SEP]} and run alone, unpadded.
 */
class DebertaRewardModelTest {
    static final Offset<Double> TOLERANCE = Offset.offset(2e-5);

    @TempDir
    Path tmp;

    static final Item ITEM = new Item(
            "What is the capital of France?",
            List.of("Paris.", "It is Paris, a city on the Seine.", "Lyon, I think.", "I do not know."));

    @Test
    void rewards_are_the_classifier_on_the_pooled_cls_state_of_each_sentence_pair() throws IOException {
        // given a tiny reward model folder
        TinyRewardModel tiny = TinyRewardModel.build(tmp, 1, 11);
        try (RankingModel model = RankingModels.load(tmp.toString());
                HuggingFaceTokenizer tok = Tokenizers.load(tmp, true, "test")) {
            // when the four candidates are scored in one padded pass
            float[] rewards = model.rewards(ITEM);
            // then each equals the plain-Java head on its own unpadded row
            for (int c = 0; c < rewards.length; c++) {
                assertThat((double) rewards[c])
                        .as("reward of candidate %d", c)
                        .isCloseTo(
                                tiny.expectedReward(
                                        tok, ITEM.input(), ITEM.candidates().get(c)),
                                TOLERANCE);
            }
            // and rank, compare and every strategy follow the rewards
            Ranking ranking = model.rank(ITEM);
            int best = argMax(rewards);
            assertThat(ranking.bestIndex()).isEqualTo(best);
            for (Strategy s : Strategy.values()) {
                assertThat(model.selector(s).best(ITEM)).as(s.name()).isEqualTo(best);
            }
            Comparison c = model.compare(
                    ITEM.withCandidates(
                            List.of(ITEM.candidates().get(0), ITEM.candidates().get(1))),
                    CompareMode.A_B);
            assertThat((double) c.logit()).isCloseTo(rewards[0] - rewards[1], Offset.offset(1e-6));
        }
    }

    @Test
    void a_second_label_is_ignored_and_the_first_is_the_reward() throws IOException {
        TinyRewardModel tiny = TinyRewardModel.build(tmp, 2, 5);
        try (RankingModel model = RankingModels.load(tmp.toString());
                HuggingFaceTokenizer tok = Tokenizers.load(tmp, true, "test")) {
            assertThat((double) model.rewards(ITEM)[2])
                    .isCloseTo(
                            tiny.expectedReward(
                                    tok, ITEM.input(), ITEM.candidates().get(2)),
                            TOLERANCE);
        }
    }

    @Test
    void texts_are_cut_to_the_tokenizers_model_max_length() throws IOException {
        // given a limit of 8 tokens per text
        TinyRewardModel.build(tmp, 1, 3);
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"model_max_length\": 8}");
        String shared = "one two three four five six seven eight nine ten";
        try (RankingModel model = RankingModels.load(tmp.toString())) {
            // when two candidates differ only after the limit
            float[] r = model.rewards(new Item("q", List.of(shared + " alpha", shared + " omega", "short")));
            // then they read the same text, and a short one still differs
            assertThat(r[0]).isEqualTo(r[1]);
            assertThat(r[2]).isNotEqualTo(r[0]);
        }
    }

    @Test
    void the_loader_tells_pairrm_from_a_reward_model_and_names_what_it_knows() throws IOException {
        TinyRewardModel.build(tmp, 1, 1);
        assertThat(RankingModels.kindOf(tmp.resolve("config.json"))).isEqualTo(RankingModels.Kind.DEBERTA_REWARD_MODEL);
        Path pairRm = io.llmblender.ranker.pairrm.PairRmFixture.resource("fixtures/pairrm-e2e");
        assertThat(RankingModels.kindOf(pairRm.resolve("config.json"))).isEqualTo(RankingModels.Kind.PAIRRM);
        Path other = Files.createDirectories(tmp.resolve("bert"));
        Files.writeString(other.resolve("config.json"), "{\"architectures\": [\"BertForMaskedLM\"]}");
        assertThatThrownBy(() -> RankingModels.load(other, PairRankerOptions.DEFAULT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("architectures")
                .hasMessageContaining("DebertaV2ForSequenceClassification");
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
