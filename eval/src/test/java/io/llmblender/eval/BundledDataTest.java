package io.llmblender.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.eval.data.DataDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The copy in the test resources is what its README says: the named columns of the full data folder, row for
 * row, or the very file. It needs the full folder to compare against, so it is skipped (saying how to get it)
 * without one.
 */
class BundledDataTest {
    static final List<String> PREFERENCES = List.of(
            "alpaca_eval/preferences_alpaca_eval_gpt4.csv",
            "alpaca_eval/preferences_weighted_alpaca_eval_gpt4_turbo.csv");
    static final String SELECTED = "alpaca_eval/selected_models.csv";
    static final String INSTRUCTIONS = "alpaca_eval/alpaca_eval.jsonl";
    static final List<String> VERBATIM = List.of(
            "hhh_alignment/hhh_alignment_pairs.jsonl",
            "hh_rlhf_harmless_base_test/test.jsonl.gz",
            "mt_bench/question.jsonl",
            "mt_bench/model_answer/gpt-4.jsonl");

    @Test
    void every_bundled_file_is_the_data_folders_named_columns_row_for_row_or_the_file_itself() throws IOException {
        List<String> all = new ArrayList<>(PREFERENCES);
        all.add(SELECTED);
        all.add(INSTRUCTIONS);
        all.addAll(VERBATIM);
        DataDirectory full = Data.require(all.toArray(String[]::new));
        DataDirectory bundled = Data.bundled();
        SoftAssertions soft = new SoftAssertions();
        for (String csv : PREFERENCES) {
            soft.assertThat(bundled.lines(csv))
                    .as(csv)
                    .containsExactlyElementsOf(columns(full.lines(csv), "instruction_index", "model", "preference"));
        }
        soft.assertThat(bundled.lines(SELECTED))
                .as(SELECTED)
                .containsExactlyElementsOf(columns(full.lines(SELECTED), "model", "ae1_win_rate", "ae2_win_rate"));
        soft.assertThat(instructions(bundled.lines(INSTRUCTIONS)))
                .as(INSTRUCTIONS)
                .hasSize(805)
                .containsExactlyElementsOf(instructions(full.lines(INSTRUCTIONS)));
        for (String file : VERBATIM) {
            soft.assertThat(bundled.root().resolve(file))
                    .as(file)
                    .hasSameBinaryContentAs(full.root().resolve(file));
        }
        soft.assertAll();
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
