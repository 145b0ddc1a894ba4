package org.jdna.dna.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.dna.radial.ResidualProfileWriter;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The figures of the report, trained model against its random-init control wherever both apply. */
public final class ReportCharts {
    static final Color TRAINED = new Color(0x1f77b4);
    static final Color CONTROL = new Color(0xff7f0e);
    static final Color NULL = new Color(0x9a9a9a);
    static final int W = 720, H = 420;
    /** Ranks shown one by one on the rank-frequency plot; beyond, about this many log-spaced ranks. */
    static final int DENSE_RANKS = 100, SPARSE_RANKS = 250;

    private ReportCharts() {}

    static List<Figure> all(AnalysisReport r) {
        List<Figure> out = new ArrayList<>();
        out.add(rankFrequency(r.trained(), r.randomInit()));
        for (Specialization.Measurement m : r.trained().specialization().perPath()) {
            out.add(mutualInformation(m.label(), r.trained(), r.randomInit()));
        }
        out.add(computeHistogram(r.trained(), r.randomInit()));
        if (r.trained().compute().unitSize() > 1) {
            out.add(computePerUnit(r.trained(), r.randomInit()));
        }
        if (!r.trained().compute().byLabel().isEmpty()) {
            out.add(computeByLabel(r.trained(), r.randomInit()));
        }
        out.add(usageHeatmap("flow-usage-trained", r.trained()));
        out.add(usageHeatmap("flow-usage-random-init", r.randomInit()));
        out.add(FlowDiagram.of("flow-diagram-trained", "Top-1 routing of the trained model from step to step.",
                "Flow of tokens, trained", r.trained().flow(), FlowDiagram.identityMask(r.trained().kinds())));
        out.add(FlowDiagram.of("flow-diagram-random-init", "Top-1 routing of the random-init control.",
                "Flow of tokens, random init", r.randomInit().flow(), FlowDiagram.identityMask(r.randomInit().kinds())));
        out.add(perStep("flow-effective-modules", "Effective number of modules per step, exp(H(usage))",
                "effective modules", r.trained().flow().effectiveModules(), r.randomInit().flow().effectiveModules(),
                r.trained().kinds().size()));
        out.add(perStep("flow-identity-fraction", "Fraction of routes to identity modules per step", "identity fraction",
                r.trained().flow().identityFraction(), r.randomInit().flow().identityFraction(), 1));
        if (r.residual() != null) {
            CategoryChart medians = ResidualProfileWriter.medians(r.residual().layers());
            style(medians.getStyler());
            medians.getStyler().setSeriesColors(new Color[]{new Color(0x9ecae1), TRAINED, new Color(0x08519c)});
            out.add(Figure.of("residual-ratio-median", "Residual ratio |f(x)| / |x + f(x)| of each layer of the trained"
                    + " model: median and 10th / 90th percentile over " + r.residual().tokens() + " tokens.", medians));
            XYChart histograms = ResidualProfileWriter.histograms(r.residual().layers());
            style(histograms.getStyler());
            // one entry per layer: too many for one row below the plot
            histograms.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            histograms.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
            out.add(Figure.of("residual-ratio-histogram", "Residual ratio per token visit, one histogram per layer (share"
                    + " of the layer's visits in each bin of width 1/" + org.jdna.dna.radial.ResidualProfile.BINS
                    + "). The y-axis fits the routed steps; a dense block whose peak would flatten them is drawn off"
                    + " the scale, its peak given in the legend.", histograms));
        }
        if (r.training().curves().keySet().stream().anyMatch(ReportCharts::isLoss)) {
            out.add(trainingLoss(r.training()));
        }
        if (r.training().curves().keySet().stream().anyMatch(k -> !isLoss(k))) {
            out.add(trainingAccuracy(r.training()));
        }
        return out;
    }

    /** The house style of every chart: white, sans-serif, the legend below the plot in one row, leading zeros kept. */
    public static <S extends AxesChartStyler> S style(S s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        if (!(s instanceof org.knowm.xchart.style.HeatMapStyler)) { // heat maps keep their colour scale on the right
            // below the plot, in one row: a legend inside the plot covers data (a peak, a bar, a spike) somewhere
            s.setLegendPosition(Styler.LegendPosition.OutsideS);
            s.setLegendLayout(Styler.LegendLayout.Horizontal);
            s.setLegendBorderColor(Color.WHITE);
        }
        // XChart's default pattern drops the leading zero (".05"); a chart with a known range sets its own
        if (s.getXAxisDecimalPattern() == null) {
            s.setXAxisDecimalPattern("0.###");
        }
        if (s.getYAxisDecimalPattern() == null) {
            s.setYAxisDecimalPattern("0.###");
        }
        s.setAntiAlias(true);
        return s;
    }

    /** A tick pattern with the decimals ticks over [0, max] need: "0", "0.0", "0.00", ... */
    static String decimals(double max) {
        return decimals(0, max);
    }

    /** A tick pattern with the decimals the ticks over [min, max] need (XChart puts about 5 on these charts). */
    public static String decimals(double min, double max) {
        double span = max - min > 0 ? max - min : Math.abs(max);
        if (!(span > 0) || Double.isInfinite(span)) {
            return "0.###";
        }
        int digits = (int) Math.ceil(-Math.log10(span / 5));
        return digits <= 0 ? "0" : "0." + "0".repeat(Math.min(digits, 4));
    }

    static Figure rankFrequency(ModelAnalysis trained, ModelAnalysis control) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Path rank vs frequency (log-log)")
                .xAxisTitle("rank of the path").yAxisTitle("tokens on the path").build();
        style(c.getStyler());
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("#,##0"); // decades as 1, 10, 100, 1,000, 10,000 (not 1E4)
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setMarkerSize(5);
        addRanks(c, trained, TRAINED);
        addRanks(c, control, CONTROL);
        return Figure.of("paths-rank-frequency", "Each dot is one path (sequence of top-1 modules); the dashed line is"
                + " the least-squares fit whose slope is minus the exponent. Both models see the same tokens.", c);
    }

    private static void addRanks(XYChart c, ModelAnalysis m, Color color) {
        long[] counts = m.paths().rankedCounts();
        List<Integer> ranks = thinnedRanks(counts.length);
        double[] x = new double[ranks.size()];
        double[] y = new double[ranks.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ranks.get(i) + 1;
            y[i] = counts[ranks.get(i)];
        }
        if (x.length == 0) {
            return;
        }
        PowerLaw.LogLogFit fit = m.paths().leastSquares();
        XYSeries dots = c.addSeries(m.name() + " (alpha = " + Html.num(fit.exponent(), 2) + ")", x, y);
        dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        dots.setMarker(SeriesMarkers.CIRCLE);
        dots.setMarkerColor(color);
        if (!Double.isNaN(fit.exponent()) && fit.points() >= 2) {
            double last = fit.points();
            double[] fx = {1, last};
            double[] fy = {Math.exp(fit.intercept()), Math.exp(fit.intercept() - fit.exponent() * Math.log(last))};
            XYSeries line = c.addSeries(m.name() + " fit", fx, fy);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color);
            line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[]{6f, 4f}, 0f));
            line.setShowInLegend(false);
        }
    }

    /** All ranks up to {@link #DENSE_RANKS}, then about {@link #SPARSE_RANKS} log-spaced ones, always the last. */
    static List<Integer> thinnedRanks(int n) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < Math.min(n, DENSE_RANKS); r++) {
            ranks.add(r);
        }
        if (n > DENSE_RANKS) {
            double ratio = Math.pow((double) n / DENSE_RANKS, 1.0 / SPARSE_RANKS);
            double at = DENSE_RANKS;
            int previous = DENSE_RANKS - 1;
            while (at < n) {
                int r = Math.min(n - 1, (int) Math.round(at));
                if (r > previous) {
                    ranks.add(r);
                    previous = r;
                }
                at *= ratio;
            }
            if (previous != n - 1) {
                ranks.add(n - 1);
            }
        }
        return ranks;
    }

    static Figure mutualInformation(String label, ModelAnalysis trained, ModelAnalysis control) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H)
                .title("MI between module choice and " + label + " per step").xAxisTitle("routed step")
                .yAxisTitle("bits").build();
        style(c.getStyler());
        c.getStyler().setSeriesColors(new Color[]{TRAINED, CONTROL, NULL});
        c.getStyler().setYAxisMin(0.0);
        List<String> steps = new ArrayList<>();
        List<Double> t = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        List<Double> n = new ArrayList<>();
        List<Specialization.Measurement> tm = trained.specialization().perStep(label);
        List<Specialization.Measurement> rm = control.specialization().perStep(label);
        for (int s = 0; s < tm.size(); s++) {
            steps.add(Integer.toString(s + 1));
            t.add(tm.get(s).mi().bits());
            r.add(rm.get(s).mi().bits());
            n.add(tm.get(s).test().null95Bits());
        }
        c.getStyler().setYAxisDecimalPattern(decimals(java.util.stream.Stream.of(t, r, n).flatMap(List::stream)
                .mapToDouble(Double::doubleValue).max().orElse(0)));
        c.addSeries(trained.name(), steps, t);
        c.addSeries(control.name(), steps, r);
        c.addSeries("95% of shuffles (trained)", steps, n);
        return Figure.of("specialization-mi-" + slug(label), "Plug-in mutual information between the top-1 module at"
                + " each step and the " + label + "; grey: the 95th percentile of the permutation null.", c);
    }

    static Figure computeHistogram(ModelAnalysis trained, ModelAnalysis control) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Non-identity module visits per token")
                .xAxisTitle("visits (of " + trained.compute().maxPerToken() + ")").yAxisTitle("fraction of tokens")
                .build();
        style(c.getStyler());
        c.getStyler().setSeriesColors(new Color[]{TRAINED, CONTROL});
        c.getStyler().setYAxisMin(0.0);
        int max = trained.compute().maxPerToken();
        List<String> x = new ArrayList<>();
        for (int v = 0; v <= max; v++) {
            x.add(Integer.toString(v));
        }
        List<Double> t = fractions(trained.compute().perToken(), max);
        List<Double> r = fractions(control.compute().perToken(), max);
        c.getStyler().setYAxisDecimalPattern(decimals(Math.max(t.stream().mapToDouble(v -> v).max().orElse(0),
                r.stream().mapToDouble(v -> v).max().orElse(0))));
        c.addSeries(trained.name(), x, t);
        c.addSeries(control.name(), x, r);
        return Figure.of("compute-per-token", "How many of the S*K routes of a token went to a module that computes"
                + " (not identity).", c);
    }

    private static List<Double> fractions(ComputeAllocation.Histogram h, int max) {
        double[] f = new double[max + 1];
        long total = 0;
        for (long c : h.counts()) {
            total += c;
        }
        for (int i = 0; i < h.values().length; i++) {
            if (h.values()[i] <= max && total > 0) {
                f[h.values()[i]] = h.counts()[i] / (double) total;
            }
        }
        List<Double> out = new ArrayList<>();
        for (double v : f) {
            out.add(v);
        }
        return out;
    }

    static Figure computePerUnit(ModelAnalysis trained, ModelAnalysis control) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Non-identity visits per " + trained.compute().unit())
                .xAxisTitle("visits per " + trained.compute().unit()).yAxisTitle("number of " + trained.compute().unit()
                        + "s").build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(4);
        for (ModelAnalysis m : List.of(trained, control)) {
            ComputeAllocation.Histogram h = m.compute().perUnit();
            double[] x = new double[h.values().length];
            double[] y = new double[h.values().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = h.values()[i];
                y[i] = h.counts()[i];
            }
            if (x.length == 0) {
                continue;
            }
            if (x.length == 1) { // XChart needs a range: a single bar as two points
                x = new double[]{x[0] - 0.5, x[0], x[0] + 0.5};
                y = new double[]{0, y[0], 0};
            }
            XYSeries s = c.addSeries(m.name(), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(m == trained ? TRAINED : CONTROL);
        }
        return Figure.of("compute-per-" + trained.compute().unit(), "Histogram of the summed visits of all positions of"
                + " one " + trained.compute().unit() + ".", c);
    }

    static Figure computeByLabel(ModelAnalysis trained, ModelAnalysis control) {
        String label = trained.specialization().perPath().getFirst().label();
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Mean visits per token by " + label)
                .xAxisTitle(label).yAxisTitle("mean non-identity visits").build();
        style(c.getStyler());
        c.getStyler().setSeriesColors(new Color[]{TRAINED, CONTROL});
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setXAxisLabelRotation(trained.compute().byLabel().size() > 8 ? 45 : 0);
        List<String> x = new ArrayList<>();
        List<Double> t = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        Map<String, Double> controlMeans = new java.util.HashMap<>();
        for (ComputeAllocation.LabelMean m : control.compute().byLabel()) {
            controlMeans.put(m.label(), m.meanVisits());
        }
        for (ComputeAllocation.LabelMean m : trained.compute().byLabel()) {
            x.add(m.label());
            t.add(m.meanVisits());
            r.add(controlMeans.getOrDefault(m.label(), 0.0));
        }
        c.getStyler().setYAxisDecimalPattern(decimals(Math.max(t.stream().mapToDouble(v -> v).max().orElse(0),
                r.stream().mapToDouble(v -> v).max().orElse(0))));
        c.addSeries(trained.name(), x, t);
        c.addSeries(control.name(), x, r);
        return Figure.of("compute-by-" + slug(label), "Average compute a token gets, by its " + label + ".", c);
    }

    static Figure usageHeatmap(String name, ModelAnalysis m) {
        HeatMapChart c = new HeatMapChartBuilder().width(W).height(H).title("Module usage per step, " + m.name() + " (%)")
                .xAxisTitle("routed step").yAxisTitle("module").build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setShowValue(m.kinds().size() * m.steps() <= 160);
        c.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        c.getStyler().setHeatMapValueDecimalPattern("0");
        c.getStyler().setMin(0);
        double top = 0;
        for (double[] step : m.flow().usage()) {
            for (double u : step) {
                top = Math.max(top, u);
            }
        }
        c.getStyler().setMax(Math.max(1, Math.ceil(100 * top)));
        c.getStyler().setRangeColors(new Color[]{Color.WHITE, new Color(0x9ecae1), new Color(0x08519c)});
        List<String> x = new ArrayList<>();
        for (int s = 0; s < m.steps(); s++) {
            x.add(Integer.toString(s + 1));
        }
        List<String> y = new ArrayList<>();
        for (int e = 0; e < m.kinds().size(); e++) {
            y.add(e + (m.kinds().get(e).equals("identity") ? " id" : ""));
        }
        List<Number[]> data = new ArrayList<>();
        for (int s = 0; s < m.steps(); s++) {
            for (int e = 0; e < m.kinds().size(); e++) {
                data.add(new Number[]{s, e, 100 * m.flow().usage()[s][e]});
            }
        }
        c.addSeries("usage", x, y, data);
        return Figure.of(name, "Share of each step's N*K routes per module (" + m.name() + ").", c);
    }

    static Figure perStep(String name, String title, String yTitle, double[] trained, double[] control, double yMax) {
        XYChart c = new XYChartBuilder().width(W).height(360).title(title).xAxisTitle("routed step").yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(Math.max(yMax, max(trained, control)) * 1.05);
        c.getStyler().setYAxisDecimalPattern(decimals(Math.max(yMax, max(trained, control))));
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setMarkerSize(7);
        double[] x = new double[trained.length];
        for (int s = 0; s < x.length; s++) {
            x[s] = s + 1;
        }
        if (x.length > 0) {
            XYSeries t = c.addSeries("trained", x, trained);
            t.setLineColor(TRAINED);
            t.setMarkerColor(TRAINED);
            t.setMarker(SeriesMarkers.CIRCLE);
            XYSeries r = c.addSeries("random init", x, control);
            r.setLineColor(CONTROL);
            r.setMarkerColor(CONTROL);
            r.setMarker(SeriesMarkers.DIAMOND);
        }
        return Figure.of(name, title + ".", c);
    }

    private static double max(double[] a, double[] b) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, v);
        }
        for (double v : b) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** True for a loss-like metric key (the rest are accuracies). */
    static boolean isLoss(String key) {
        return key.toLowerCase(java.util.Locale.ROOT).contains("loss");
    }

    /** How a metrics.jsonl key reads in a legend. */
    static String label(String key) {
        return switch (key) {
            case "loss" -> "training loss";
            case "auxLoss" -> "auxiliary loss";
            case "valSampleLoss" -> "val (sample) loss";
            case "valSampleAccuracy" -> "val (sample) accuracy";
            case "valLoss" -> "val loss";
            case "valAccuracy" -> "val accuracy";
            default -> key;
        };
    }

    /** Losses (nats) against the step: training, auxiliary, the val sample, and the whole split at the end. */
    static Figure trainingLoss(TrainingMetrics t) {
        XYChart c = trainingChart(t, true);
        return Figure.of("training-metrics", "Loss of the run against the step, from " + t.file() + ": the training"
                + " loss of every step, the fast held-out sample at each evaluation and, as a diamond, the whole"
                + " held-out split at the end (the figure the summary publishes).", c);
    }

    /** Accuracies (0-1) against the step, apart from the losses: they share no scale. */
    static Figure trainingAccuracy(TrainingMetrics t) {
        XYChart c = trainingChart(t, false);
        return Figure.of("training-accuracy", "Share of held-out targets whose most likely class is right (next byte,"
                + " or image label), at each evaluation of the fast sample and, as a diamond, over the whole held-out"
                + " split at the end.", c);
    }

    /** The losses or the accuracies of {@code t}: they share no scale, so never one chart. */
    static XYChart trainingChart(TrainingMetrics t, boolean losses) {
        String title = losses ? "Training and held-out loss (metrics.jsonl)" : "Held-out accuracy (metrics.jsonl)";
        String yTitle = losses ? "loss (nats)" : "accuracy";
        java.util.function.Predicate<String> keep = k -> isLoss(k) == losses;
        XYChart c = new XYChartBuilder().width(W).height(360).title(title).xAxisTitle("step").yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(5);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        double lastStep = 1;
        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        for (var e : t.curves().entrySet()) {
            double[][] v = e.getValue();
            if (!keep.test(e.getKey()) || v[0].length == 0) {
                continue;
            }
            XYSeries s = c.addSeries(label(e.getKey()), v[0], v[1]);
            s.setMarker(v[0].length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            for (double y : v[1]) {
                top = Math.max(top, y);
                bottom = Math.min(bottom, y);
            }
            lastStep = Math.max(lastStep, v[0][v[0].length - 1]);
        }
        for (var e : t.finals().entrySet()) {
            if (!keep.test(e.getKey())) {
                continue;
            }
            String split = e.getKey().startsWith("test") ? "test" : "val";
            XYSeries s = c.addSeries(split + (isLoss(e.getKey()) ? " loss" : " accuracy") + ", whole split (end)",
                    new double[]{e.getValue()[0]}, new double[]{e.getValue()[1]});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(Color.BLACK);
            top = Math.max(top, e.getValue()[1]);
            bottom = Math.min(bottom, e.getValue()[1]);
            lastStep = Math.max(lastStep, e.getValue()[0]);
        }
        c.getStyler().setYAxisDecimalPattern(decimals(bottom, top));
        // From 0 to half a step past the last: XChart ticks every data point of an evenly spaced axis (every step,
        // labels touching); a range that is not on the steps' grid gets round ticks (0, 5, 10, ...).
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(lastStep + 0.5);
        return c;
    }

    static String slug(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
