package io.llmblender.eval.report;

import io.llmblender.eval.metric.EnsembleGain;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/** PNG charts of the reports (JFreeChart, rendered headless). Stateless. */
public final class Charts {
    private Charts() {}

    /**
     * Agreement by group as grouped bars: the measured judge beside each published row that has the column.
     *
     * @param png the image to write
     * @param title the chart's title
     * @param columns group name → column heading, in order
     * @param overall the heading of the overall column
     * @param judge the measured judge's name
     * @param measuredByGroup the measured agreement per group, in percent
     * @param measuredOverall the measured overall agreement, in percent
     * @param published the published rows
     * @throws java.io.IOException if the image cannot be written
     */
    public static void agreement(
            Path png,
            String title,
            Map<String, String> columns,
            String overall,
            String judge,
            Map<String, Double> measuredByGroup,
            double measuredOverall,
            List<AgreementReport.Published> published)
            throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        columns.forEach((group, column) -> {
            Double v = measuredByGroup.get(group);
            if (v != null) {
                data.addValue(v, judge, column);
            }
        });
        data.addValue(measuredOverall, judge, overall);
        for (AgreementReport.Published p : published) {
            p.values().forEach((column, v) -> data.addValue(v, p.name(), column));
        }
        JFreeChart chart = ChartFactory.createBarChart(
                title, null, "agreement %", data, PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().getRangeAxis().setRange(0, 100);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 500);
    }

    /**
     * Ensemble win rate per selector with error bars (half the width of the bootstrap 95% interval) and a dashed
     * line at the oracle.
     *
     * @param png the image to write
     * @param title the chart's title
     * @param scores the selectors' win rates with their intervals
     * @throws java.io.IOException if the image cannot be written
     */
    public static void gains(Path png, String title, List<EnsembleGain.Score> scores) throws IOException {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        double oracle = Double.NaN;
        for (EnsembleGain.Score s : scores) {
            if (s.selector().equals("oracle")) {
                oracle = s.winRate();
                continue;
            }
            data.add(s.winRate(), (s.high() - s.low()) / 2, "win rate", s.selector());
        }
        JFreeChart chart = ChartFactory.createLineChart(
                title, null, "win rate %", data, PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.BLACK);
        plot.setRenderer(renderer);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        if (!Double.isNaN(oracle)) {
            ValueMarker line = new ValueMarker(
                    oracle,
                    Color.RED,
                    new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
            line.setLabel(String.format("oracle %.1f", oracle));
            plot.addRangeMarker(line);
        }
        double low = scores.stream().mapToDouble(EnsembleGain.Score::low).min().orElse(0);
        plot.getRangeAxis().setRange(Math.max(0, Math.floor(low / 5) * 5 - 5), 101); // differences stay visible
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 550);
    }
}
