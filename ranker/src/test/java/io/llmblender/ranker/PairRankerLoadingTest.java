package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.pairrm.PairRmFixture;
import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both model-folder layouts load to the same ranker. */
class PairRankerLoadingTest {
    @TempDir
    Path tmp;

    static final List<String> CANDIDATES = List.of("get out!", "hi! I am fine, thanks!", "bye!");

    @Test
    void the_original_layout_with_its_ranker_config_ranks_like_the_hf_layout() throws IOException {
        // given the e2e folder as llm-blender/PairRM ships it: config.json is a serialised RankerConfig
        Path hf = PairRmFixture.resource("fixtures/pairrm-e2e");
        Path original = tmp.resolve("PairRM");
        Files.createDirectories(original);
        for (String f : List.of("model.safetensors", "tokenizer.json")) {
            Files.copy(hf.resolve(f), original.resolve(f));
        }
        Files.copy(hf.resolve("ranker_config.json"), original.resolve("config.json"));
        // the tiny weights are not deberta-v3-large's shapes, so the backbone comes from the hf config (fixture README)
        DebertaV2Config backbone = DebertaV2Config.read(hf.resolve("config.json"));
        try (PairRanker fromOriginal = PairRanker.load(original, backbone, PairRankerOptions.DEFAULT);
                PairRanker fromHf = PairRanker.load(hf)) {
            assertThat(fromOriginal.options().limits().sourceMaxLength()).isEqualTo(1224);
            assertThat(fromOriginal.options().limits().candidateMaxLength()).isEqualTo(412);
            Ranking a = fromOriginal.rank("hello, how are you!", CANDIDATES);
            Ranking b = fromHf.rank("hello, how are you!", CANDIDATES);
            assertThat(a.scores()).containsExactly(b.scores());
        }
    }

    @Test
    void the_original_layout_names_its_backbone_and_an_unknown_one_is_refused() throws IOException {
        Path hf = PairRmFixture.resource("fixtures/pairrm-e2e");
        Path original = tmp.resolve("other");
        Files.createDirectories(original);
        Files.copy(hf.resolve("tokenizer.json"), original.resolve("tokenizer.json"));
        Files.copy(hf.resolve("model.safetensors"), original.resolve("model.safetensors"));
        Files.writeString(
                original.resolve("config.json"),
                Files.readString(hf.resolve("ranker_config.json"))
                        .replace("microsoft/deberta-v3-large", "microsoft/deberta-v3-base"));
        assertThatThrownBy(() -> PairRanker.load(original))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field 'model_name' is 'microsoft/deberta-v3-base'");
    }

    @Test
    void a_ranker_type_other_than_pairranker_gets_the_reference_message() throws IOException {
        Path dir = tmp.resolve("rm");
        Files.createDirectories(dir);
        Files.copy(PairRmFixture.resource("fixtures/pairrm-e2e/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(
                dir.resolve("config.json"), "{\"ranker_type\": \"summareranker\", \"model_type\": \"deberta\"}");
        assertThatThrownBy(() -> PairRanker.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("reward model type summareranker not supported");
    }
}
