package org.jdna.dna.radial;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Residual ratios |f(x)| / |x + f(x)| per block visit ({@link ResidualProfiler}), grouped per layer
 * ({@code backbone i}, {@code step s}, {@code step_attn s}, numbered from 1) and, for routed models, per pool module.
 *
 * @param byLayer  ratios of every token visit, per layer, in depth order
 * @param byModule ratios per pool module (empty for dense models, where a step is a module)
 */
public record ResidualProfile(Map<String, double[]> byLayer, Map<String, double[]> byModule) {
    /** Histogram bins over [0, 1] (ratios above 1 go to the last bin). */
    public static final int BINS = 40;

    /** Summary of one group: count, median, mean, 10th and 90th percentile, and the histogram counts. */
    public record Summary(int count, double median, double mean, double p10, double p90, int[] histogram) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("median", median);
            m.put("mean", mean);
            m.put("p10", p10);
            m.put("p90", p90);
            m.put("histogram", histogram);
            return m;
        }
    }

    public static Summary summarise(double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        int[] hist = new int[BINS];
        double sum = 0;
        for (double r : sorted) {
            hist[Math.min(BINS - 1, (int) (r * BINS))]++;
            sum += r;
        }
        return new Summary(sorted.length, quantile(sorted, 0.5), sorted.length == 0 ? Double.NaN : sum / sorted.length,
                quantile(sorted, 0.1), quantile(sorted, 0.9), hist);
    }

    /** Linear interpolation between order statistics; NaN when empty. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** {@link #summarise} of every layer, in depth order. */
    public Map<String, Summary> layerSummaries() {
        Map<String, Summary> m = new LinkedHashMap<>();
        byLayer.forEach((k, v) -> m.put(k, summarise(v)));
        return m;
    }

    /** {@link #summarise} of every pool module (empty for dense models). */
    public Map<String, Summary> moduleSummaries() {
        Map<String, Summary> m = new LinkedHashMap<>();
        byModule.forEach((k, v) -> m.put(k, summarise(v)));
        return m;
    }

    /** Median over every block visit of the model. */
    public double overallMedian() {
        return quantile(byLayer.values().stream().flatMapToDouble(Arrays::stream).sorted().toArray(), 0.5);
    }

    /** The JSON body: {"overallMedian", "layers": {name: summary}, "modules": {name: summary}, "bins"}. */
    public Map<String, Object> toMap(Map<String, Object> about) {
        Map<String, Object> m = new LinkedHashMap<>(about);
        m.put("definition", "|f(x)| / |x + f(x)| per token and block visit; f(x) = block(x) - x");
        m.put("bins", List.of(0.0, 1.0, BINS));
        m.put("overallMedian", overallMedian());
        Map<String, Object> layers = new LinkedHashMap<>();
        byLayer.forEach((k, v) -> layers.put(k, summarise(v).toMap()));
        m.put("layers", layers);
        Map<String, Object> modules = new LinkedHashMap<>();
        byModule.forEach((k, v) -> modules.put(k, summarise(v).toMap()));
        m.put("modules", modules);
        return m;
    }
}
