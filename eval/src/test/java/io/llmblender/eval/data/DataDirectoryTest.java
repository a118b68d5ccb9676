package io.llmblender.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @Test
    void a_file_is_read_plain_or_from_its_gzipped_copy_and_the_plain_one_wins(@TempDir Path tmp) throws IOException {
        // given a gzipped copy only
        Path folder = Files.createDirectories(tmp.resolve("x"));
        gzip(folder.resolve("a.jsonl.gz"), "{\"n\": 1}\n{\"n\": 2}\n");
        DataDirectory data = new DataDirectory(tmp);
        // then it is read decompressed
        assertThat(data.lines("x/a.jsonl")).containsExactly("{\"n\": 1}", "{\"n\": 2}");
        // and when the plain file is there too, the plain file is read
        Files.writeString(folder.resolve("a.jsonl"), "{\"n\": 3}\n");
        assertThat(data.lines("x/a.jsonl")).containsExactly("{\"n\": 3}");
        // and when neither is there, the error names the plain file
        assertThatThrownBy(() -> data.lines("x/b.jsonl"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("b.jsonl")
                .hasMessageContaining("does not exist");
    }

    @Test
    void alpaca_eval_finds_its_columns_by_name_so_a_trimmed_copy_loads_the_same(@TempDir Path tmp) throws IOException {
        // given the full column layout and a copy with only three columns, in another order
        Path full = Files.createDirectories(tmp.resolve("full/alpaca_eval"));
        Files.writeString(full.resolve("preferences_alpaca_eval_gpt4.csv"), """
                instruction_index,dataset,model,baseline,preference
                0,oasst,m,text_davinci_003,2.0
                1,oasst,m,text_davinci_003,0
                2,oasst,m,text_davinci_003,
                """);
        Path trimmed = Files.createDirectories(tmp.resolve("trimmed/alpaca_eval"));
        Files.writeString(trimmed.resolve("preferences_alpaca_eval_gpt4.csv"), """
                model,preference,instruction_index
                m,2.0,0
                m,0,1
                m,,2
                """);
        for (Path f : new Path[] {full, trimmed}) {
            Files.writeString(f.resolve("alpaca_eval.jsonl"), "{\"instruction\": \"a\"}\n");
            Files.writeString(f.resolve("selected_models.csv"), "model,ae1_win_rate\nm,62.5\n");
        }
        for (String root : new String[] {"full", "trimmed"}) {
            AlpacaEval ae = AlpacaEval.load(new DataDirectory(tmp.resolve(root)), AlpacaEval.Judge.AE1);
            double[] p = ae.preferences("m");
            // then both give 2.0, the legacy tie code 0 as 1.5, and an empty preference as NaN
            assertThat(p[0]).as(root).isEqualTo(2.0);
            assertThat(p[1]).as(root).isEqualTo(1.5);
            assertThat(p[2]).as(root).isNaN();
            assertThat(ae.leaderboardWinRate("m")).as(root).isEqualTo(62.5);
        }
        // and a copy without a needed column says which one
        Files.writeString(trimmed.resolve("preferences_alpaca_eval_gpt4.csv"), "model,instruction_index\nm,0\n");
        assertThatThrownBy(() -> AlpacaEval.load(new DataDirectory(tmp.resolve("trimmed")), AlpacaEval.Judge.AE1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("preference")
                .hasMessageContaining("is not a column");
    }

    static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
