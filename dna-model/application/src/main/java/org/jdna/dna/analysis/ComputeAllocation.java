package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Who gets the compute: non-identity module visits per token (0..S*K) and per input unit (a token for
 * language, an image = all its positions for vision), their histograms, the mean per label, and the units
 * with the most and the least visits.
 *
 * @param unit          "token" or "image"
 * @param unitSize      positions per unit (1, or the sequence length of an image)
 * @param maxPerToken   S*K, the most a token can get
 * @param meanPerToken  mean visits per token
 * @param stdPerToken   standard deviation of visits per token
 * @param perToken      histogram of visits per token
 * @param perUnit       histogram of visits per unit (the same as perToken when unitSize = 1)
 * @param byLabel       mean visits per token for each class of the primary labeling (classes that occur)
 * @param most         units with the most visits (ties spread deterministically over the set)
 * @param least        units with the fewest visits
 */
public record ComputeAllocation(String unit, int unitSize, int maxPerToken, double meanPerToken, double stdPerToken,
                                Histogram perToken, Histogram perUnit, List<LabelMean> byLabel,
                                List<UnitExample> most, List<UnitExample> least) {
    public ComputeAllocation {
        byLabel = List.copyOf(byLabel);
        most = List.copyOf(most);
        least = List.copyOf(least);
    }

    /** counts[i] units got values[i] visits; values are the observed range, ascending, gaps included. */
    public record Histogram(int[] values, long[] counts) {
        static Histogram of(int[] observations) {
            if (observations.length == 0) {
                return new Histogram(new int[0], new long[0]);
            }
            int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
            for (int v : observations) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            int[] values = new int[hi - lo + 1];
            long[] counts = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = lo + i;
            }
            for (int v : observations) {
                counts[v - lo]++;
            }
            return new Histogram(values, counts);
        }
    }

    /** Mean visits per token of one class, over {@code tokens} tokens. */
    public record LabelMean(String label, long tokens, double meanVisits) {}

    /** One unit, its visits and its context (a text snippet, or the image's index and class). */
    public record UnitExample(int unit, int visits, String context) {}

    /**
     * @param primary  labeling for the per-class means (null: none)
     * @param context  plain-text context of a unit
     * @param examples how many units to show at each end
     */
    public static ComputeAllocation measure(RouteLog log, String unit, int unitSize, Labeling primary,
                                            IntFunction<String> context, int examples) {
        int n = log.tokens();
        if (unitSize < 1 || n % unitSize != 0) {
            throw new IllegalArgumentException("ComputeAllocation: " + n + " tokens do not divide into units of "
                    + unitSize);
        }
        int[] visits = new int[n];
        double sum = 0, sumSq = 0;
        for (int t = 0; t < n; t++) {
            visits[t] = log.computeVisits(t);
            sum += visits[t];
            sumSq += (double) visits[t] * visits[t];
        }
        double mean = n == 0 ? 0 : sum / n;
        double std = n == 0 ? 0 : Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        int units = n / unitSize;
        int[] perUnit = new int[units];
        for (int t = 0; t < n; t++) {
            perUnit[t / unitSize] += visits[t];
        }
        List<LabelMean> byLabel = new ArrayList<>();
        if (primary != null) {
            long[] count = new long[primary.classes().size()];
            double[] total = new double[count.length];
            for (int t = 0; t < n; t++) {
                int y = primary.values()[t];
                if (y != Labeling.EXCLUDED) {
                    count[y]++;
                    total[y] += visits[t];
                }
            }
            for (int y = 0; y < count.length; y++) {
                if (count[y] > 0) {
                    byLabel.add(new LabelMean(primary.classes().get(y), count[y], total[y] / count[y]));
                }
            }
        }
        Integer[] order = new Integer[units];
        for (int u = 0; u < units; u++) {
            order[u] = u;
        }
        // Most first; equal visits in a scrambled but fixed order, so examples come from all over the set.
        java.util.Arrays.sort(order, (a, b) -> perUnit[a] != perUnit[b] ? Integer.compare(perUnit[b], perUnit[a])
                : Integer.compareUnsigned(scramble(a), scramble(b)));
        List<UnitExample> most = new ArrayList<>();
        List<UnitExample> least = new ArrayList<>();
        int shown = Math.min(examples, units);
        for (int i = 0; i < shown; i++) {
            int u = order[i];
            most.add(new UnitExample(u, perUnit[u], context.apply(u)));
            int v = order[units - 1 - i];
            least.add(new UnitExample(v, perUnit[v], context.apply(v)));
        }
        return new ComputeAllocation(unit, unitSize, log.steps() * log.topK(), mean, std, Histogram.of(visits),
                Histogram.of(perUnit), byLabel, most, least);
    }

    static int scramble(int i) {
        int h = i * 0x9E3779B1;
        return h ^ (h >>> 16);
    }
}
