package org.jdna.dna.analysis;

import java.util.Arrays;

/**
 * Mutual information in bits between two discrete variables observed together N times, e.g. the module a
 * token chose at one step (x) and its part-of-speech tag (y).
 *
 * <p>Plug-in estimate: I = H(X) + H(Y) - H(X, Y) from the empirical frequencies. It is biased upward by
 * about (m_xy - m_x - m_y + 1) / (2 N ln 2) bits (m = occupied cells), which matters when a variable has many
 * values (paths) relative to N. The Miller-Madow correction subtracts that first-order term; the
 * permutation test ({@link PermutationTest}) gives the bias of the plug-in estimate under independence
 * directly (the mean of the null).
 *
 * @param bits              plug-in estimate
 * @param millerMadowBits   plug-in minus the first-order bias (may be slightly negative)
 * @param entropyXBits      H(X), plug-in
 * @param entropyYBits      H(Y), plug-in (MI can be at most min(H(X), H(Y)))
 * @param samples           N
 */
public record MutualInformation(double bits, double millerMadowBits, double entropyXBits, double entropyYBits,
                                long samples) {
    /** Above this many joint cells the counts are taken by sorting instead of a dense table. */
    static final long DENSE_LIMIT = 1L << 22;
    private static final double LN2 = Math.log(2);

    /** I(X; Y) as a fraction of H(Y): how much of the label's uncertainty the choice removes (0 when H(Y) = 0). */
    public double fractionOfY() {
        return entropyYBits <= 0 ? 0 : bits / entropyYBits;
    }

    /** Values must be >= 0; x and y have one entry per observation. */
    public static MutualInformation of(int[] x, int[] y) {
        check(x, y);
        int xs = cardinality(x);
        int ys = cardinality(y);
        long[] cx = marginal(x, xs);
        long[] cy = marginal(y, ys);
        Joint joint = joint(x, y, xs, ys);
        long n = x.length;
        double hx = entropyBits(cx, n);
        double hy = entropyBits(cy, n);
        double hxy = joint.entropyBits;
        double mi = n == 0 ? 0 : Math.max(0, hx + hy - hxy);
        double bias = n == 0 ? 0 : (joint.occupied - occupied(cx) - occupied(cy) + 1) / (2.0 * n * LN2);
        return new MutualInformation(mi, mi - bias, hx, hy, n);
    }

    /** Plug-in I(X; Y) only (the permutation test's statistic). */
    static double plugInBits(int[] x, int[] y, int xs, int ys, double hx, double hy) {
        return x.length == 0 ? 0 : Math.max(0, hx + hy - joint(x, y, xs, ys).entropyBits);
    }

    /** Entropy in bits of a histogram with total n: log2 n - (1/n) sum c log2 c. */
    public static double entropyBits(long[] counts, long n) {
        if (n == 0) {
            return 0;
        }
        double s = 0;
        for (long c : counts) {
            if (c > 0) {
                s += c * Math.log(c);
            }
        }
        return Math.max(0, (Math.log(n) - s / n) / LN2);
    }

    /** Entropy in bits of a distribution (entries summing to 1). */
    public static double entropyBits(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h / LN2;
    }

    static int cardinality(int[] v) {
        int max = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0) {
                throw new IllegalArgumentException("MutualInformation: value " + v[i] + " at index " + i
                        + " is negative; values must be category ids >= 0");
            }
            max = Math.max(max, v[i]);
        }
        return max + 1;
    }

    static long[] marginal(int[] v, int size) {
        long[] c = new long[size];
        for (int value : v) {
            c[value]++;
        }
        return c;
    }

    private static int occupied(long[] counts) {
        int m = 0;
        for (long c : counts) {
            if (c > 0) {
                m++;
            }
        }
        return m;
    }

    private record Joint(double entropyBits, int occupied) {}

    private static Joint joint(int[] x, int[] y, int xs, int ys) {
        long n = x.length;
        if ((long) xs * ys <= DENSE_LIMIT) {
            long[] c = new long[xs * ys];
            for (int i = 0; i < x.length; i++) {
                c[x[i] * ys + y[i]]++;
            }
            return new Joint(entropyBits(c, n), occupied(c));
        }
        long[] keys = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            keys[i] = (long) x[i] * ys + y[i];
        }
        Arrays.sort(keys);
        double s = 0;
        int cells = 0;
        for (int i = 0; i < keys.length; ) {
            int j = i;
            while (j < keys.length && keys[j] == keys[i]) {
                j++;
            }
            long c = j - i;
            s += c * Math.log(c);
            cells++;
            i = j;
        }
        double h = n == 0 ? 0 : Math.max(0, (Math.log(n) - s / n) / LN2);
        return new Joint(h, cells);
    }

    static void check(int[] x, int[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("MutualInformation: x has " + x.length + " observations, y "
                    + y.length + "; they must be paired");
        }
    }
}
