package io.llmblender.fuser.genfuser;

import static io.llmblender.fuser.Fixtures.longs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.fuser.Fixtures;
import io.llmblender.fuser.FusionPrompt;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Flan-T5 tokenizer against golden ids, token strings, truncations, GenFuser's candidate truncation,
 * and decodes with and without skipping special tokens and clean-up ({@code -Dt5tokenizer.fixtures=<folder>},
 * default the project's copy of shared/fixtures/flan-t5-tokenizer). Not compared: the SentencePiece and
 * slow-tokenizer ids (other tokenizers' outputs, recorded to explain the differences; the tokenizer.json ids of
 * {@code known_differences} are the texts' {@code ids}, compared above, and its {@code text} is shortened for
 * display) and {@code truncated_candidate_no_cleanup}, which is {@code decoded_raw + "..."}.
 */
class FlanT5TokenizerParityTest {
    static JsonNode cases;
    static FlanT5Tokenizer tokenizer;
    static Map<String, String> texts = new HashMap<>();

    @BeforeAll
    static void load() {
        Path folder = Fixtures.folder("t5tokenizer.fixtures", "fixtures/flan-t5-tokenizer");
        cases = Fixtures.cases(folder);
        tokenizer = FlanT5Tokenizer.load(folder);
        cases.get("texts")
                .forEach(t -> texts.put(t.get("id").asText(), t.get("text").asText()));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void every_text_has_the_golden_ids_tokens_and_decodes() {
        for (JsonNode t : cases.get("texts")) {
            String id = t.get("id").asText();
            String text = t.get("text").asText();
            assertThat(tokenizer.encode(text)).as(id).containsExactly(longs(t.get("ids")));
            assertThat(tokenizer.encodeWithEos(text)).as(id).containsExactly(longs(t.get("ids_with_eos")));
            assertThat(tokenizer.tokenize(text)).as(id).isEqualTo(Fixtures.strings(t.get("tokens")));
            assertThat(tokenizer.decodeRaw(longs(t.get("ids"))))
                    .as(id)
                    .isEqualTo(t.get("decoded_keep_special").asText());
            // skipping special tokens drops the EOS (and any other special id); no clean-up
            assertThat(tokenizer.decodeRaw(longs(t.get("ids_with_eos")), true))
                    .as(id)
                    .isEqualTo(t.get("decoded_skip_special_from_ids_with_eos").asText());
        }
    }

    @Test
    void truncation_keeps_the_first_ids_and_the_eos_when_asked() {
        for (JsonNode c : cases.get("truncation_cases")) {
            String text = texts.get(c.get("text_id").asText());
            int n = c.get("max_length").asInt();
            long[] ids = c.get("add_special_tokens").asBoolean()
                    ? withEos(tokenizer.encode(text, n - 1))
                    : tokenizer.encode(text, n);
            assertThat(ids).as("%s at %d", c.get("text_id").asText(), n).containsExactly(longs(c.get("ids")));
        }
    }

    @Test
    void genfuser_candidate_truncation_decodes_cleans_up_and_appends_dots() {
        for (JsonNode c : cases.get("candidate_truncation_cases")) {
            String text = texts.get(c.get("text_id").asText());
            int max = c.get("candidate_maxlength").asInt();
            List<String> cut = FusionPrompt.truncateCandidates(tokenizer, List.of(text), max);
            assertThat(cut.get(0))
                    .as("%s at %d", c.get("text_id").asText(), max)
                    .isEqualTo(c.get("truncated_candidate").asText());
            assertThat(tokenizer.decodeRaw(longs(c.get("kept_ids"))))
                    .isEqualTo(c.get("decoded_raw").asText());
            assertThat(FlanT5Tokenizer.cleanUp(c.get("decoded_raw").asText()))
                    .isEqualTo(c.get("decoded_cleanup").asText());
            assertThat(tokenizer.encode(text, max)).containsExactly(longs(c.get("kept_ids")));
        }
    }

    @Test
    void decoding_glues_special_tokens_or_skips_them() {
        for (JsonNode c : cases.get("decode_cases")) {
            long[] ids = longs(c.get("ids"));
            String decoded =
                    c.get("skip_special_tokens").asBoolean() ? tokenizer.decode(ids, true) : tokenizer.decodeRaw(ids);
            assertThat(decoded).isEqualTo(c.get("text").asText());
        }
    }

    private static long[] withEos(long[] ids) {
        long[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = 1;
        return out;
    }
}
