package io.llmblender.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.eval.metric.EnsembleGain.Score;
import io.llmblender.eval.metric.SelectorRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GainReportTest {
    @Test
    void the_gap_column_says_there_is_none_when_the_best_model_already_matches_the_oracle(@TempDir Path tmp)
            throws Exception {
        SelectorRun.Result r = new SelectorRun.Result(
                List.of(
                        new Score("oracle", 100, 100, 100, 4),
                        new Score("m1", 100, 100, 100, 4),
                        new Score("m2", 50, 0, 100, 4),
                        new Score("PairRM", 75, 50, 100, 4)),
                "m1",
                Map.of("PairRM", 1.5),
                4,
                Map.of("PairRM", 24L));
        GainReport.write(tmp, "AE1", List.of("m1", "m2"), r);
        assertThat(Files.readString(tmp.resolve("report.md")))
                .contains("| oracle | 100.00 | 100.00 – 100.00 | +0.00 | 1.00 |  |  |")
                .contains("| m2 | 50.00 | 0.00 – 100.00 | -50.00 | — |  |  |")
                .contains("| PairRM | 75.00 | 50.00 – 100.00 | -25.00 | — | 1.5 | 24 pair rows |")
                .doesNotContain("NaN");
    }
}
