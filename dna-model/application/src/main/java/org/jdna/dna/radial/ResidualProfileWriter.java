package org.jdna.dna.radial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jdna.dna.config.ConfigJson;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Writes a {@link ResidualProfile} to a folder: {@code residual-profile.json}, two charts as PNG and SVG
 * (median and 10th-90th percentile per layer; histogram per layer) and {@code residual-profile.html}, a
 * standalone page with both (the analysis report is another helper's; this page is what it can embed).
 */
public final class ResidualProfileWriter {
    public static final String JSON = "residual-profile.json";
    public static final String HTML = "residual-profile.html";

    private ResidualProfileWriter() {}

    /** Writes everything; returns the files written. */
    public static List<Path> write(ResidualProfile profile, Map<String, Object> about, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Path json = dir.resolve(JSON);
            Files.writeString(json, ConfigJson.MAPPER.writeValueAsString(profile.toMap(about)));
            files.add(json);
            files.addAll(save(medians(profile.layerSummaries()), dir.resolve("residual-ratio-median")));
            files.addAll(save(histograms(profile.layerSummaries()), dir.resolve("residual-ratio-histogram")));
            Path html = dir.resolve(HTML);
            Files.writeString(html, html(profile, about));
            files.add(html);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the residual profile to " + dir, e);
        }
    }

    /** Median and 10th / 90th percentile of each layer, in depth order. */
    public static CategoryChart medians(Map<String, ResidualProfile.Summary> layers) {
        CategoryChart c = new CategoryChartBuilder().width(760).height(420)
                .title("Residual ratio |f(x)| / |x + f(x)| per layer").xAxisTitle("layer").yAxisTitle("ratio").build();
        legendBelow(c.getStyler());
        c.getStyler().setXAxisLabelRotation(layers.size() > 8 ? 45 : 0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisDecimalPattern("0.0");
        List<String> names = new ArrayList<>(layers.keySet());
        List<Double> p10 = new ArrayList<>();
        List<Double> med = new ArrayList<>();
        List<Double> p90 = new ArrayList<>();
        for (ResidualProfile.Summary s : layers.values()) {
            p10.add(s.p10());
            med.add(s.median());
            p90.add(s.p90());
        }
        c.addSeries("10th percentile", names, p10);
        c.addSeries("median", names, med);
        c.addSeries("90th percentile", names, p90);
        return c;
    }

    /**
     * One histogram line per layer: fraction of the layer's token visits per ratio bin, drawn at the bin centres
     * on an axis ticked at round ratios. The y-axis fits the routed steps (layers named "step ..."): a dense
     * backbone block, whose ratios often pile into one bin, would flatten them; such a layer is drawn off the
     * scale and its legend entry gives its peak.
     */
    public static XYChart histograms(Map<String, ResidualProfile.Summary> layers) {
        // wider than the other charts: the legend is a column beside the plot
        XYChart c = new XYChartBuilder().width(960).height(420).title("Residual ratio per token, histogram per layer")
                .xAxisTitle("|f(x)| / |x + f(x)|").yAxisTitle("fraction of the layer's token visits").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE); // one entry per layer: a column beside
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(1.0);
        c.getStyler().setXAxisDecimalPattern("0.0");
        c.getStyler().setYAxisMin(0.0);
        double[] x = new double[ResidualProfile.BINS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 0.5) / ResidualProfile.BINS;
        }
        Map<String, double[]> shares = new java.util.LinkedHashMap<>();
        double stepsTop = 0;
        double allTop = 0;
        for (Map.Entry<String, ResidualProfile.Summary> e : layers.entrySet()) {
            int[] h = e.getValue().histogram();
            double[] y = new double[h.length];
            for (int i = 0; i < h.length; i++) {
                y[i] = e.getValue().count() == 0 ? 0 : h[i] / (double) e.getValue().count();
                allTop = Math.max(allTop, y[i]);
                stepsTop = e.getKey().startsWith("step") ? Math.max(stepsTop, y[i]) : stepsTop;
            }
            shares.put(e.getKey(), y);
        }
        double top = stepsTop > 0 && allTop > 1.25 * stepsTop ? niceCeiling(1.1 * stepsTop) : niceCeiling(1.05 * allTop);
        c.getStyler().setYAxisMax(top);
        c.getStyler().setYAxisDecimalPattern(top >= 0.5 ? "0.0" : "0.00");
        shares.forEach((name, y) -> {
            int peak = 0;
            for (int i = 1; i < y.length; i++) {
                peak = y[i] > y[peak] ? i : peak;
            }
            String label = y[peak] > top ? String.format(Locale.ROOT, "%s (off scale: %.0f%% at %.2f)", name,
                    100 * y[peak], x[peak]) : name;
            c.addSeries(label, x, y);
        });
        return c;
    }

    /** The next of 0.05, 0.1, 0.15, ... (or 1) at or above {@code v}. */
    static double niceCeiling(double v) {
        return v <= 0 ? 1 : Math.min(1, Math.ceil(v * 20 - 1e-9) / 20);
    }

    private static void legendBelow(Styler s) {
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    private static List<Path> save(Chart<?, ?> chart, Path stem) throws IOException {
        BitmapEncoder.saveBitmap(chart, stem.toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, stem.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return List.of(Path.of(stem + ".png"), Path.of(stem + ".svg"));
    }

    private static String html(ResidualProfile p, Map<String, Object> about) {
        StringBuilder rows = new StringBuilder();
        p.byLayer().forEach((name, v) -> rows.append(row(name, ResidualProfile.summarise(v))));
        StringBuilder modules = new StringBuilder();
        p.byModule().forEach((name, v) -> modules.append(row(name, ResidualProfile.summarise(v))));
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Residual ratio profile</title>
                <style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:collapse}
                td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}</style></head><body>
                <h1>Residual ratio profile</h1>
                <p>Checkpoint: %s. Evaluation tokens: %s. For every block visit of every token, |f(x)| / |x + f(x)|,
                where x is the block's input and x + f(x) its output (Radial Networks' measurement: about 20%% for
                OPT-125M, 5-6%% for OPT-66B). Overall median: <b>%.4f</b>.</p>
                <img src="residual-ratio-median.svg" width="760"><img src="residual-ratio-histogram.svg" width="760">
                <h2>Per layer</h2><table><tr><th>layer</th><th>visits</th><th>median</th><th>mean</th><th>p10</th>
                <th>p90</th></tr>%s</table>%s</body></html>
                """.formatted(about.getOrDefault("checkpoint", "?"), about.getOrDefault("tokens", "?"),
                p.overallMedian(), rows, modules.isEmpty() ? "" : "<h2>Per pool module</h2><table><tr><th>module</th>"
                        + "<th>visits</th><th>median</th><th>mean</th><th>p10</th><th>p90</th></tr>" + modules + "</table>");
    }

    private static String row(String name, ResidualProfile.Summary s) {
        return String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>",
                name, s.count(), s.median(), s.mean(), s.p10(), s.p90());
    }
}
