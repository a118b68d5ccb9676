package io.llmblender.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.eval.metric.EnsembleGain;
import io.llmblender.eval.metric.SelectorRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The ensemble-gain report: every selector's win rate, interval, gain and cost, with published anchors. */
public final class GainReport {
    /** PairRM best-of-16 results as published on the AlpacaEval leaderboards (base model → with PairRM). */
    public static final List<String[]> PUBLISHED = List.of(
            new String[] {"AE2", "tulu-2-dpo-70b", "15.98", "pairrm-tulu-2-70b", "18.64"},
            new String[] {"AE2", "tulu-2-dpo-13b", "10.12", "pairrm-tulu-2-13b", "13.83"},
            new String[] {"AE2", "zephyr-7b-beta", "10.99", "pairrm-zephyr-7b-beta", "12.84"},
            new String[] {"AE1", "tulu-2-dpo-70b", "95.03", "pairrm-tulu-2-70b", "95.40"},
            new String[] {"AE1", "tulu-2-dpo-13b", "88.12", "pairrm-tulu-2-13b", "91.06"},
            new String[] {"AE1", "zephyr-7b-beta", "90.60", "pairrm-zephyr-7b-beta", "93.41"});

    private GainReport() {}

    /**
     * Writes {@code report.md} and {@code report.json} to {@code out}: each selector's win rate and interval beside the
     * pool, the oracle and the published PairRM results, with the chart.
     *
     * @param out the report folder; created if missing
     * @param judge the AlpacaEval judge, e.g. {@code AE2}
     * @param pool the models whose outputs were picked among
     * @param r the selectors' run
     * @throws IOException if a file cannot be written
     */
    public static void write(Path out, String judge, List<String> pool, SelectorRun.Result r) throws IOException {
        Files.createDirectories(out);
        double oracle = r.scores().get(0).winRate();
        double best = r.scores().stream()
                .filter(s -> s.selector().equals(r.bestSingle()))
                .findFirst()
                .orElseThrow()
                .winRate();
        StringBuilder md = new StringBuilder("# Ensemble gains on AlpacaEval (" + judge + " judge)\n\n");
        md.append("Pool: ")
                .append(pool)
                .append(". Per instruction a selector picks one model's output; the pick scores")
                .append(" that model's recorded judge preference. ")
                .append(r.instructions())
                .append(" instructions.\n\n");
        md.append(
                "| selector | win rate | 95% CI | gain over best single | oracle gap closed | ranker seconds | ranker work |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (EnsembleGain.Score s : r.scores()) {
            Double sec = r.rankerSeconds().get(s.selector());
            Long work = r.rankerWork().get(s.selector());
            md.append(String.format(
                    "| %s | %.2f | %.2f – %.2f | %+.2f | %s | %s | %s |%n",
                    s.selector(),
                    s.winRate(),
                    s.low(),
                    s.high(),
                    s.winRate() - best,
                    s.selector().equals("oracle")
                            ? "1.00"
                            : gapClosed(EnsembleGain.oracleGapClosed(s.winRate(), best, oracle)),
                    sec == null ? "" : String.format("%.1f", sec),
                    work == null ? "" : work + " pair rows"));
        }
        md.append("\nBest single model: ").append(r.bestSingle()).append(String.format(" (%.2f).%n%n", best));
        md.append(
                "Published anchors (PairRM best-of-16 of one model's samples, from the AlpacaEval leaderboards; not"
                        + " measured here):\n\n| judge | base model | win rate | with PairRM best-of-16 | win rate |\n|---|---|---:|---|---:|\n");
        for (String[] p : PUBLISHED) {
            md.append("| ").append(String.join(" | ", p)).append(" |\n");
        }
        md.append(
                        "\nData: AlpacaEval recorded outputs and per-example judge preferences (tatsu-lab/alpaca_eval @ cd543a14;"
                                + " CC BY-NC 4.0; see alpaca_eval/README.md of the data folder).  \n")
                .append(Provenance.dateAndMachine())
                .append("\n![win rate per selector](gains.png)\n");
        Files.writeString(out.resolve("report.md"), md.toString());
        Charts.gains(
                out.resolve("gains.png"), "AlpacaEval (" + judge + ") win rate per selector, pool " + pool, r.scores());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode()
                .put("judge", judge)
                .put("best_single", r.bestSingle())
                .put("instructions", r.instructions());
        root.set("pool", json.valueToTree(pool));
        root.set("scores", json.valueToTree(r.scores()));
        root.set("ranker_seconds", json.valueToTree(r.rankerSeconds()));
        root.set("ranker_pair_rows", json.valueToTree(r.rankerWork()));
        root.set("published", json.valueToTree(PUBLISHED));
        json.writeValue(out.resolve("report.json").toFile(), root);
    }

    /** "—" when the best single model already matches the oracle: there is no gap to close (a small --limit). */
    private static String gapClosed(double share) {
        return Double.isNaN(share) ? "—" : String.format("%.2f", share);
    }
}
