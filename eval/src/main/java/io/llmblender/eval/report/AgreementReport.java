package io.llmblender.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.eval.metric.Agreement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agreement table in the PairRM card's layout, measured rows beside the card's published ones (labelled as
 * published), written as Markdown and as JSON with every number.
 */
public final class AgreementReport {
    /**
     * A published row: values by column, NaN where the source gives none.
     *
     * @param name the row's name, e.g. {@code PairRM (published)}
     * @param values the published percentages, by column heading
     * @param source where they were published
     */
    public record Published(String name, Map<String, Double> values, String source) {}

    /** Auto-J pairwise, overall agreement as published (PairRM model card; Auto-J README). */
    public static final List<Published> AUTOJ_PUBLISHED = List.of(
            new Published("GPT-4 (published)", Map.of("Overall", 61.9), "PairRM model card"),
            new Published("PairRM (published)", Map.of("Overall", 59.05), "PairRM model card"),
            new Published("Auto-J-13B (published)", Map.of("Overall", 54.8), "PairRM model card"));

    /** HHH alignment, as published (PairRM model card, Prometheus paper format). */
    public static final List<Published> HHH_PUBLISHED = List.of(
            new Published(
                    "PairRM (published)",
                    Map.of("Help.", 84.75, "Harm.", 84.48, "Hon.", 80.33, "Other", 90.7, "Total Avg.", 84.62),
                    "PairRM model card"),
            new Published(
                    "GPT-4-0613 (published)",
                    Map.of("Help.", 91.53, "Harm.", 93.1, "Hon.", 85.25, "Other", 83.72, "Total Avg.", 88.69),
                    "PairRM model card"));

    private AgreementReport() {}

    /**
     * Writes {@code report.md} and {@code report.json} to {@code out}.
     *
     * @param out the report folder; created if missing
     * @param benchmark the benchmark's name, the report's title
     * @param judge the measured judge's name, its row in the table
     * @param result the measured agreement
     * @param columns group name → column heading, in the card's order; the overall column comes last
     * @param overallColumn the heading of the overall column, e.g. {@code Overall}
     * @param published the published rows to compare with
     * @param settings the run's settings (model, data, seed), recorded in {@code report.json}
     * @throws java.io.IOException if a file cannot be written
     */
    public static void write(
            Path out,
            String benchmark,
            String judge,
            Agreement.Result result,
            Map<String, String> columns,
            String overallColumn,
            List<Published> published,
            Map<String, Object> settings)
            throws IOException {
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("# ").append(benchmark).append(": agreement with human labels\n\n");
        md.append("| judge | ");
        columns.values().forEach(c -> md.append(c).append(" | "));
        md.append(overallColumn).append(" |\n|---|");
        md.append("---:|".repeat(columns.size() + 1)).append('\n');
        md.append("| ").append(judge).append(" (measured) | ");
        for (String group : columns.keySet()) {
            Double v = result.agreementByGroup().get(group);
            md.append(v == null ? "—" : String.format("%.2f", v)).append(" | ");
        }
        md.append(String.format("%.2f", result.agreement())).append(" |\n");
        for (Published p : published) {
            md.append("| ").append(p.name()).append(" | ");
            for (String c : columns.values()) {
                Double v = p.values().get(c);
                md.append(v == null ? "—" : String.format("%.2f", v)).append(" | ");
            }
            Double v = p.values().get(overallColumn);
            md.append(v == null ? "—" : String.format("%.2f", v)).append(" |\n");
        }
        md.append('\n');
        if (!Double.isNaN(result.consistency())) {
            md.append(String.format("Consistency (same verdict in both orders): %.2f%%.%n%n", result.consistency()));
        }
        if (!Double.isNaN(result.threshold())) {
            md.append(String.format(
                    "Tie threshold %.2f, tuned on this test set (as Auto-J did for reward models).%n%n",
                    result.threshold()));
        }
        md.append("Published rows are copied from their sources as facts, not measured here; \"—\" marks numbers the"
                + " source does not give.\n\n");
        md.append("Data: the ")
                .append(benchmark)
                .append(" files of the data folder; their README gives source and" + " licence.  \n");
        md.append("Settings: ")
                .append(settings)
                .append("  \nItems: ")
                .append(result.items())
                .append("  \n")
                .append(Provenance.dateAndMachine());
        md.append("\n![agreement by group](agreement.png)\n");
        Files.writeString(out.resolve("report.md"), md.toString());
        Charts.agreement(
                out.resolve("agreement.png"),
                benchmark + ": agreement with human labels",
                columns,
                overallColumn,
                judge,
                result.agreementByGroup(),
                result.agreement(),
                published);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode()
                .put("benchmark", benchmark)
                .put("judge", judge)
                .put("items", result.items())
                .put("agreement", result.agreement());
        if (!Double.isNaN(result.consistency())) {
            root.put("consistency", result.consistency());
        }
        if (!Double.isNaN(result.threshold())) {
            root.put("threshold", result.threshold());
        }
        ObjectNode groups = root.putObject("agreement_by_group");
        result.agreementByGroup().forEach(groups::put);
        root.set("settings", json.valueToTree(new LinkedHashMap<>(settings)));
        root.set("published", json.valueToTree(published));
        json.writeValue(out.resolve("report.json").toFile(), root);
    }
}
