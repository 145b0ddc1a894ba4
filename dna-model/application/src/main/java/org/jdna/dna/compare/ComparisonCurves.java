package org.jdna.dna.compare;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.jdna.dna.analysis.Figure;
import org.jdna.dna.analysis.FigureWriter;
import org.jdna.dna.analysis.ReportCharts;
import org.jdna.dna.config.ConfigJson;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The validation curves of a comparison, read back from each run's metrics.jsonl: the fast held-out estimate
 * ({@code eval} records, valSampleLoss) against the training FLOPs spent so far, averaged over the seeds of an
 * entry, one line per entry; written as {@code curves.png} / {@code curves.svg} next to the table.
 *
 * <p>Training FLOPs up to step s: the sum over steps i <= s of 3 x forward FLOPs per token (what the step's routes
 * actually ran, from its {@code step} record) x tokens per step; 3x counts the backward pass as twice the forward.
 * The distilled Radial starts where its teacher (the dense run of the same seed) ended, and each of its steps also
 * pays the teacher's forward pass: both are added, so its line starts to the right of the others.
 */
public final class ComparisonCurves {
    /**
     * One entry's mean curve.
     *
     * @param id      the entry's id
     * @param name    its display name
     * @param flops   training FLOPs at each evaluation (mean over seeds)
     * @param valLoss the fast held-out estimate at each evaluation (mean over seeds), nats
     * @param steps   the step of each evaluation
     */
    public record Curve(String id, String name, double[] flops, double[] valLoss, long[] steps) {}

    /**
     * One run's evaluations and the training FLOPs spent at each.
     *
     * @param forwardFlopsPerToken the forward FLOPs per token of its last step (what a teacher's forward costs)
     */
    record RunCurve(long[] steps, double[] flops, double[] valLoss, double totalFlops, double forwardFlopsPerToken) {}

    private ComparisonCurves() {}

    /**
     * The mean curve of {@code entry} over the runs in {@code runs} (the seeds' folders; missing ones are skipped),
     * or null when none has evaluations. {@code teacherOf} maps a distilled run to the run it was distilled from.
     */
    static Curve of(Comparison.Entry entry, List<Path> runs, Map<Path, Path> teacherOf) {
        List<RunCurve> curves = new ArrayList<>();
        for (Path run : runs) {
            Path metrics = run.resolve("metrics.jsonl");
            if (!Files.isRegularFile(metrics)) {
                continue;
            }
            Path teacher = teacherOf.get(run);
            RunCurve c = read(metrics, teacher != null && Files.isRegularFile(teacher.resolve("metrics.jsonl"))
                    ? read(teacher.resolve("metrics.jsonl"), null) : null);
            if (c.steps().length > 0) {
                curves.add(c);
            }
        }
        if (curves.isEmpty()) {
            return null;
        }
        int n = curves.stream().mapToInt(c -> c.steps().length).min().orElseThrow();
        double[] flops = new double[n];
        double[] loss = new double[n];
        for (RunCurve c : curves) {
            for (int i = 0; i < n; i++) {
                flops[i] += c.flops()[i] / curves.size();
                loss[i] += c.valLoss()[i] / curves.size();
            }
        }
        return new Curve(entry.id(), entry.name(), flops, loss, Arrays.copyOf(curves.getFirst().steps(), n));
    }

    /**
     * Reads one run's evaluations from its metrics.jsonl. With {@code teacher}, the run was distilled from it: its
     * FLOPs start at the teacher's total and each step adds the teacher's forward pass over the step's tokens.
     */
    static RunCurve read(Path metrics, RunCurve teacher) {
        // A resumed run logs the steps after its checkpoint again: the maps keep the last record of each step.
        TreeMap<Long, Double> stepFlops = new TreeMap<>();
        TreeMap<Long, Double> evals = new TreeMap<>();
        long tokensPerStep = 0;
        double forwardPerToken = 0;
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode r = ConfigJson.MAPPER.readTree(line);
                long step = r.path("step").asLong();
                switch (r.path("type").asText()) {
                    case "start" -> tokensPerStep = r.path("tokensPerStep").asLong();
                    case "step" -> {
                        forwardPerToken = r.path("forwardFlopsPerToken").asDouble();
                        double teacherForward = teacher != null ? teacher.forwardFlopsPerToken() : 0;
                        stepFlops.put(step, (3 * forwardPerToken + teacherForward) * tokensPerStep);
                    }
                    case "eval" -> evals.put(step, r.path("valSampleLoss").asDouble());
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compare: cannot read the curve of " + metrics, e);
        }
        double sum = teacher != null ? teacher.totalFlops() : 0;
        long[] steps = new long[evals.size()];
        double[] flops = new double[evals.size()];
        double[] loss = new double[evals.size()];
        int i = 0;
        var pending = evals.entrySet().iterator();
        var next = pending.hasNext() ? pending.next() : null;
        for (var s : stepFlops.entrySet()) {
            sum += s.getValue();
            while (next != null && next.getKey() <= s.getKey()) {
                steps[i] = next.getKey();
                flops[i] = sum;
                loss[i] = next.getValue();
                i++;
                next = pending.hasNext() ? pending.next() : null;
            }
        }
        return new RunCurve(Arrays.copyOf(steps, i), Arrays.copyOf(flops, i), Arrays.copyOf(loss, i), sum,
                forwardPerToken);
    }

    /** Validation estimate against training FLOPs (log scale), one line per entry. */
    static Figure chart(List<Curve> curves, int seeds) {
        XYChart c = new XYChartBuilder().width(980).height(460).title("Validation loss against training compute")
                .xAxisTitle("training FLOPs (3 x forward, log scale)").yAxisTitle("validation loss (nats, fast estimate)")
                .build();
        ReportCharts.style(c.getStyler());
        // seven entries do not fit one row below the plot: a column to its right, beside the curves' ends
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.#E0");
        c.getStyler().setMarkerSize(4);
        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        int k = 0;
        for (Curve curve : curves) {
            // Skip the first evaluations, far above the rest, so that the end of the curves (where the entries
            // differ) is not squeezed into a sliver of the plot.
            int from = Math.min(curve.valLoss().length - 1, 1);
            double[] x = Arrays.copyOfRange(curve.flops(), from, curve.flops().length);
            double[] y = Arrays.copyOfRange(curve.valLoss(), from, curve.valLoss().length);
            XYSeries s = c.addSeries(curve.name(), x, y);
            s.setLineColor(PALETTE[k % PALETTE.length]);
            s.setMarkerColor(PALETTE[k % PALETTE.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            k++;
            for (double v : y) {
                top = Math.max(top, v);
                bottom = Math.min(bottom, v);
            }
        }
        c.getStyler().setYAxisDecimalPattern(ReportCharts.decimals(bottom, top));
        return Figure.of("curves", String.format(Locale.ROOT, "Validation loss (the fast held-out estimate, every"
                + " evaluation, mean over %d seeds) against the training FLOPs spent so far, one line per entry. The"
                + " distilled Radial starts where its dense teacher ended and pays the teacher's forward pass at every"
                + " step.", seeds), c);
    }

    /** Reads the curves of every entry of {@code plan} in table order and writes curves.png / curves.svg; the curves. */
    static List<Curve> write(Comparison.Plan plan) {
        List<Curve> curves = new ArrayList<>();
        for (Comparison.Entry entry : Comparison.entries(plan.task())) {
            if (!plan.only().isEmpty() && !plan.only().contains(entry.id())) {
                continue;
            }
            List<Path> runs = new ArrayList<>();
            Map<Path, Path> teacherOf = new java.util.HashMap<>();
            for (long seed : plan.seeds()) {
                Path run = plan.outDir().resolve(entry.id() + "-seed" + seed);
                runs.add(run);
                if (entry.preset().equals("radial-distil")) {
                    teacherOf.put(run, plan.outDir().resolve("dense-seed" + seed));
                }
            }
            Curve curve = of(entry, runs, teacherOf);
            if (curve != null) {
                curves.add(curve);
            }
        }
        if (!curves.isEmpty()) {
            FigureWriter.write(chart(curves, plan.seeds().size()), plan.outDir());
        }
        return curves;
    }

    /**
     * "\nCurves: curves.png, curves.svg (...). Over the last quarter of the evaluations (steps 1,500 to 2,000) the
     * validation estimate fell by: Dense transformer 0.0123 nats, ...\n", or "" without curves: whether the budget
     * is one where the curves have flattened.
     */
    static String note(List<Curve> curves) {
        if (curves.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nCurves: curves.png and curves.svg, the fast validation estimate against"
                + " training FLOPs, mean over the seeds.");
        Curve first = curves.getFirst();
        if (first.steps().length >= 4) {
            int from = first.steps().length - 1 - Math.max(1, (int) Math.round(first.steps().length / 4.0));
            List<String> drops = new ArrayList<>();
            for (Curve c : curves) {
                if (c.steps().length == first.steps().length) {     // entries stopped early have no such quarter
                    double drop = c.valLoss()[from] - c.valLoss()[c.valLoss().length - 1];
                    drops.add(String.format(Locale.ROOT, "%s %.4f nats (%.1f%%)", c.name(), drop,
                            100 * drop / c.valLoss()[from]));
                }
            }
            sb.append(String.format(Locale.ROOT, " Over the last quarter of the evaluations (steps %,d to %,d) the"
                    + " estimate fell by: %s.", first.steps()[from], first.steps()[first.steps().length - 1],
                    String.join("; ", drops)));
        }
        return sb.append('\n').toString();
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
}
