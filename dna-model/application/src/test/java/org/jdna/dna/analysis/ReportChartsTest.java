package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.dna.io.MetricsLog;
import org.jdna.dna.radial.ResidualProfile;
import org.jdna.dna.radial.ResidualProfileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** What a reader sees in the report's charts: legends beside the data, round ticks, one scale per chart. */
class ReportChartsTest {
    @TempDir
    Path tmp;

    /** Can fail: the legends sat inside the plot (top right), over a peak, a bar or a spike. */
    @Test
    void legendsSitBelowThePlotAndTicksKeepTheirLeadingZero() {
        XYChart xy = new XYChartBuilder().build();
        CategoryChart bars = new CategoryChartBuilder().build();
        for (Styler s : List.of(ReportCharts.style(xy.getStyler()), ReportCharts.style(bars.getStyler()))) {
            assertEquals(Styler.LegendPosition.OutsideS, s.getLegendPosition());
            assertEquals(Styler.LegendLayout.Horizontal, s.getLegendLayout());
        }
        assertEquals("0.###", xy.getStyler().getYAxisDecimalPattern(), "0.05, not XChart's .05");
        XYChart own = new XYChartBuilder().build();
        own.getStyler().setYAxisDecimalPattern("0.0");
        assertEquals("0.0", ReportCharts.style(own.getStyler()).getYAxisDecimalPattern(), "a chart's own pattern stays");
        assertEquals("0.0", ReportCharts.decimals(2.2));
        assertEquals("0.00", ReportCharts.decimals(0.15));
        assertEquals("0", ReportCharts.decimals(12));
        assertEquals("0.000", ReportCharts.decimals(0.268, 0.2752), "a narrow range gets the digits that tell it apart");
    }

    private static Map<String, ResidualProfile.Summary> layers(double[]... ratios) {
        Map<String, ResidualProfile.Summary> m = new LinkedHashMap<>();
        for (int i = 0; i < ratios.length; i++) {
            m.put(i == 0 ? "backbone 1" : "step " + i, ResidualProfile.summarise(ratios[i]));
        }
        return m;
    }

    private static double[] around(double centre, double spread, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = centre + spread * ((i % 21) - 10) / 10.0;
        }
        return v;
    }

    /**
     * Can fail: ticks sat at bin centres (.0125, .1125, ...), and the y-axis ran to the backbone's spike (0.9 of its
     * visits in one bin), flattening the routed steps' histograms (peaks near 0.1).
     */
    @Test
    void residualHistogramTicksAtRoundRatiosAndFitsTheRoutedSteps() {
        double[] spike = new double[100];
        java.util.Arrays.fill(spike, 0.985);
        XYChart c = ResidualProfileWriter.histograms(layers(spike, around(0.4, 0.2, 210), around(0.6, 0.25, 210)));
        assertEquals(0.0, c.getStyler().getXAxisMin());
        assertEquals(1.0, c.getStyler().getXAxisMax());
        assertEquals("0.0", c.getStyler().getXAxisDecimalPattern());
        double top = c.getStyler().getYAxisMax();
        assertTrue(top >= 0.1 && top <= 0.25, "fitted to the steps' peaks, not the backbone's 1.0: " + top);
        List<String> names = new ArrayList<>(c.getSeriesMap().keySet());
        assertEquals("backbone 1 (off scale: 100% at 0.99)", names.getFirst());
        assertEquals(List.of("step 1", "step 2"), names.subList(1, 3));

        XYChart calm = ResidualProfileWriter.histograms(layers(around(0.5, 0.2, 210), around(0.4, 0.2, 210)));
        assertEquals(List.of("backbone 1", "step 1"), new ArrayList<>(calm.getSeriesMap().keySet()), "nothing off scale");
    }

    private TrainingMetrics metrics() throws IOException {
        Path f = tmp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(f, false)) {
            log.log(Map.of("type", "start", "step", 0, "totalParams", 100));
            for (int s = 1; s <= 40; s++) {
                log.log(Map.of("type", "step", "step", s, "loss", 5.0 / s + 2, "lr", 0.001));
                if (s % 20 == 0) {
                    log.log(Map.of("type", "eval", "step", s, "valSampleLoss", 2.6, "valSampleAccuracy", 0.27,
                            "valSampleBitsPerByte", 3.75));
                }
            }
            log.log(Map.of("type", "checkpoint", "step", 40, "dir", "x"));
            log.log(Map.of("type", "summary", "step", 40, "valLoss", 2.62, "valAccuracy", 0.268, "valSampleLoss", 2.6,
                    "trainLoss", 2.65, "identityFraction", List.of(0.3, 0.31)));
        }
        return TrainingMetrics.read(f);
    }

    /**
     * Can fail: one chart drew loss (nats) and accuracy (0-1) on one axis, and the summary's trainLoss (a mean of the
     * last steps) as a one-point series "trainLoss".
     */
    @Test
    void lossesAndAccuraciesGetTheirOwnChartsAndTheEndIsTheWholeSplit() throws IOException {
        TrainingMetrics m = metrics();
        assertEquals(java.util.Set.of("loss", "valSampleLoss", "valSampleAccuracy"), m.curves().keySet());
        assertEquals(java.util.Set.of("valLoss", "valAccuracy"), m.finals().keySet());
        XYChart loss = ReportCharts.trainingChart(m, true);
        assertEquals(List.of("training loss", "val (sample) loss", "val loss, whole split (end)"),
                new ArrayList<>(loss.getSeriesMap().keySet()));
        assertEquals("loss (nats)", loss.getYAxisTitle());
        XYChart accuracy = ReportCharts.trainingChart(m, false);
        assertEquals(List.of("val (sample) accuracy", "val accuracy, whole split (end)"),
                new ArrayList<>(accuracy.getSeriesMap().keySet()));
        // a range off the steps' grid, so XChart ticks 0, 5, 10, ... instead of every step
        assertEquals(0.0, loss.getStyler().getXAxisMin());
        assertEquals(40.5, loss.getStyler().getXAxisMax());
    }

    /** Can fail: the last record's numbers were printed as Java prints doubles (2.618235483765602). */
    @Test
    void recordValuesAreRoundedForReading() {
        assertEquals("2.6182", Html.value(2.618235483765602));
        assertEquals("81,920", Html.value(81920L));
        assertEquals("1,425,756", Html.value(1425755.9734375), "large values without decimals");
        assertEquals("0.000203", Html.value(2.0253e-4), "a learning rate keeps 3 significant digits");
        assertEquals("0.4776 0.8582", Html.value(List.of(0.47761230468750004, 0.8582275390625)));
        assertEquals("[0.5000 0.2500] [0.2500 0.5000]", Html.value(List.of(List.of(0.5, 0.25), List.of(0.25, 0.5))));
        assertEquals("summary &amp; more", Html.value("summary & more"));
        assertFalse(Html.value(Double.NaN).contains("NaN"));
    }
}
