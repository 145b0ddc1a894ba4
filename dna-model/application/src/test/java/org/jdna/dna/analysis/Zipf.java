package org.jdna.dna.analysis;

import java.util.Arrays;

import org.jdna.engine.tensor.Rng;

/** Test helper: draws from a Zipf law P(r) = r^(-s) / H(n, s) on ranks 1..n by inverting its CDF. */
final class Zipf {
    private Zipf() {}

    /** 0-based ranks of {@code draws} samples. */
    static int[] sample(double s, int n, int draws, long seed) {
        double[] cdf = new double[n];
        double z = 0;
        for (int r = 0; r < n; r++) {
            z += Math.pow(r + 1, -s);
            cdf[r] = z;
        }
        Rng rng = new Rng(seed);
        int[] out = new int[draws];
        for (int i = 0; i < draws; i++) {
            double u = rng.nextDouble() * z;
            int idx = Arrays.binarySearch(cdf, u);
            out[i] = Math.min(n - 1, idx >= 0 ? idx : -idx - 1);
        }
        return out;
    }

    /** Counts per category, sorted descending (a rank-frequency list). */
    static long[] rankedCounts(int[] categories, int n) {
        long[] c = new long[n];
        for (int v : categories) {
            c[v]++;
        }
        long[] nonZero = Arrays.stream(c).filter(v -> v > 0).sorted().toArray();
        long[] ranked = new long[nonZero.length];
        for (int i = 0; i < nonZero.length; i++) {
            ranked[i] = nonZero[nonZero.length - 1 - i];
        }
        return ranked;
    }
}
