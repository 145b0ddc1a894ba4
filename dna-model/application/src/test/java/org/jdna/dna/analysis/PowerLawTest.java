package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PowerLawTest {
    @Test
    void leastSquaresRecoversAnExactPowerLaw() {
        long[] counts = new long[60];
        for (int r = 0; r < counts.length; r++) {
            counts[r] = Math.round(1e7 * Math.pow(r + 1, -1.3));
        }
        PowerLaw.LogLogFit fit = PowerLaw.leastSquares(counts, 1);
        assertEquals(1.3, fit.exponent(), 1e-4);
        assertEquals(Math.log(1e7), fit.intercept(), 1e-3);
        assertEquals(1.0, fit.rSquared(), 1e-6);
        assertEquals(60, fit.points());
    }

    @Test
    void leastSquaresLeavesOutCountsBelowTheThreshold() {
        long[] counts = {100, 50, 25, 1, 1, 1, 1};
        PowerLaw.LogLogFit fit = PowerLaw.leastSquares(counts, 2);
        assertEquals(3, fit.points());
        // ln 100, ln 50, ln 25 on ln 1, ln 2, ln 3: slope by hand
        double[] x = {0, Math.log(2), Math.log(3)};
        double[] y = {Math.log(100), Math.log(50), Math.log(25)};
        double mx = (x[0] + x[1] + x[2]) / 3, my = (y[0] + y[1] + y[2]) / 3;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < 3; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        assertEquals(-sxy / sxx, fit.exponent(), 1e-12);
    }

    @ParameterizedTest(name = "s = {0}, n = {1}")
    @CsvSource({"1.0, 300", "1.2, 300", "0.8, 200", "1.6, 100"})
    void bothEstimatorsRecoverTheExponentOfSampledZipf(double s, int n) {
        int draws = 200_000;
        long[] ranked = Zipf.rankedCounts(Zipf.sample(s, n, draws, 42L + n), n);
        PowerLaw.ZipfFit mle = PowerLaw.zipfMle(ranked);
        PowerLaw.LogLogFit ls = PowerLaw.leastSquares(ranked, PowerLaw.DEFAULT_MIN_COUNT);
        assertEquals(s, mle.exponent(), 0.01, "MLE " + mle);
        assertTrue(Math.abs(mle.exponent() - s) < 4 * mle.standardError() + 0.01,
                "MLE within its standard error: " + mle);
        assertEquals(s, ls.exponent(), 0.02, "least squares " + ls);
        assertEquals(draws, mle.observations());
    }

    @Test
    void mleIsTheMaximumOfTheLikelihood() {
        long[] ranked = Zipf.rankedCounts(Zipf.sample(1.1, 150, 50_000, 7), 150);
        PowerLaw.ZipfFit fit = PowerLaw.zipfMle(ranked);
        double best = logLikelihood(ranked, fit.exponent());
        assertEquals(best, fit.logLikelihood(), 1e-6 * Math.abs(best));
        for (double d : new double[]{-0.01, 0.01, -0.1, 0.1}) {
            assertTrue(logLikelihood(ranked, fit.exponent() + d) < best, "ll at s" + (d > 0 ? "+" : "") + d);
        }
    }

    private static double logLikelihood(long[] ranked, double s) {
        double z = 0, ll = 0;
        long n = 0;
        for (int r = 0; r < ranked.length; r++) {
            z += Math.pow(r + 1, -s);
            ll += -s * ranked[r] * Math.log(r + 1);
            n += ranked[r];
        }
        return ll - n * Math.log(z);
    }

    @Test
    void uniformCountsGiveExponentZero() {
        long[] flat = new long[50];
        java.util.Arrays.fill(flat, 40);
        assertEquals(0, PowerLaw.zipfMle(flat).exponent(), 1e-9);
        assertEquals(0, PowerLaw.leastSquares(flat, 1).exponent(), 1e-12);
    }

    @Test
    void oneRankHasNoExponent() {
        assertTrue(Double.isNaN(PowerLaw.zipfMle(new long[]{10}).exponent()));
        assertTrue(Double.isNaN(PowerLaw.leastSquares(new long[]{10}, 1).exponent()));
        assertTrue(Double.isNaN(PowerLaw.zipfMle(new long[0]).exponent()));
    }

    @Test
    void unrankedCountsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLaw.zipfMle(new long[]{5, 7, 1}));
        assertTrue(e.getMessage().contains("count[1] = 7"), e.getMessage());
    }
}
