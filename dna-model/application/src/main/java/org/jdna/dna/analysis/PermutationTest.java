package org.jdna.dna.analysis;

import org.jdna.engine.tensor.Rng;

/**
 * Is the dependence between x and y real? Shuffles y (seeded Fisher-Yates) {@code permutations} times and
 * counts how often the plug-in mutual information of the shuffled pairs reaches the observed one. The
 * p-value is (1 + hits) / (1 + permutations) (Phipson and Smyth 2010: never 0, exact under the null), so
 * 200 permutations resolve p down to 1/201 ~ 0.005.
 *
 * @param observedBits  plug-in I(x; y)
 * @param pValue        (1 + #{null >= observed}) / (1 + permutations)
 * @param permutations  number of shuffles
 * @param nullMeanBits  mean plug-in MI of the shuffles: the estimator's bias under independence
 * @param null95Bits    95th percentile of the shuffles
 * @param seed          seed of the shuffles
 */
public record PermutationTest(double observedBits, double pValue, int permutations, double nullMeanBits,
                              double null95Bits, long seed) {
    public static final int DEFAULT_PERMUTATIONS = 200;

    /** Observed MI minus the null mean: a bias-corrected estimate (may be slightly negative). */
    public double excessBits() { return observedBits - nullMeanBits; }

    public static PermutationTest run(int[] x, int[] y, int permutations, long seed) {
        MutualInformation.check(x, y);
        if (permutations < 1) {
            throw new IllegalArgumentException("PermutationTest: permutations = " + permutations + " must be >= 1");
        }
        int xs = MutualInformation.cardinality(x);
        int ys = MutualInformation.cardinality(y);
        long n = x.length;
        double hx = MutualInformation.entropyBits(MutualInformation.marginal(x, xs), n);
        double hy = MutualInformation.entropyBits(MutualInformation.marginal(y, ys), n);
        double observed = MutualInformation.plugInBits(x, y, xs, ys, hx, hy);
        int[] shuffled = y.clone();
        Rng rng = new Rng(seed).fork("permutation");
        double[] nulls = new double[permutations];
        int hits = 0;
        double sum = 0;
        // A shuffle keeps both marginals, so H(X) and H(Y) stay; only H(X, Y) changes.
        double tolerance = 1e-12 * Math.max(1, observed);
        for (int p = 0; p < permutations; p++) {
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            double mi = MutualInformation.plugInBits(x, shuffled, xs, ys, hx, hy);
            nulls[p] = mi;
            sum += mi;
            if (mi >= observed - tolerance) {
                hits++;
            }
        }
        java.util.Arrays.sort(nulls);
        double p95 = nulls[Math.min(permutations - 1, (int) Math.ceil(0.95 * permutations) - 1)];
        return new PermutationTest(observed, (1.0 + hits) / (1.0 + permutations), permutations, sum / permutations,
                p95, seed);
    }
}
