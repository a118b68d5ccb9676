package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.eval.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The copy in the test resources is what its README says: the named columns of the full data folder, row for
 * row, or the very file. It needs the full folder to compare against, so it is skipped (saying how to get it)
 * without one.
 */
class BundledDataTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "alpaca_eval/preferences_alpaca_eval_gpt4.csv",
                "alpaca_eval/preferences_weighted_alpaca_eval_gpt4_turbo.csv"
            })
    void the_preference_csvs_are_the_full_ones_index_model_and_preference_columns(String csv) {
        DataDirectory full = Data.require(csv);
        assertThat(Data.bundled().lines(csv))
                .containsExactlyElementsOf(columns(full.lines(csv), "instruction_index", "model", "preference"));
    }

    @Test
    void selected_models_keeps_every_model_with_its_two_leaderboard_win_rates() {
        String csv = "alpaca_eval/selected_models.csv";
        DataDirectory full = Data.require(csv);
        assertThat(Data.bundled().lines(csv))
                .containsExactlyElementsOf(columns(full.lines(csv), "model", "ae1_win_rate", "ae2_win_rate"));
    }

    @Test
    void the_instructions_are_the_eval_sets_in_its_order() throws IOException {
        String jsonl = "alpaca_eval/alpaca_eval.jsonl";
        DataDirectory full = Data.require(jsonl);
        assertThat(instructions(Data.bundled().lines(jsonl)))
                .hasSize(805)
                .containsExactlyElementsOf(instructions(full.lines(jsonl)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hhh_alignment/hhh_alignment_pairs.jsonl",
                "hh_rlhf_harmless_base_test/test.jsonl.gz",
                "mt_bench/question.jsonl",
                "mt_bench/model_answer/gpt-4.jsonl"
            })
    void the_verbatim_files_are_byte_for_byte_the_data_folders(String file) {
        DataDirectory full = Data.require(file);
        Path bundled = Data.bundled().root().resolve(file);
        assertThat(bundled).hasSameBinaryContentAs(full.root().resolve(file));
    }

    /** The named columns of a CSV without quoted fields (these have none), in the order given. */
    static List<String> columns(List<String> lines, String... names) {
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            List<String> kept = new ArrayList<>();
            for (String name : names) {
                kept.add(f[header.indexOf(name)]);
            }
            out.add(String.join(",", kept));
        }
        return out;
    }

    static List<String> instructions(List<String> lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(json.readTree(l).get("instruction").asText());
        }
        return out;
    }
}
