package org.jdna.engine.backend.contract;

import org.opentest4j.AssertionFailedError;

/** Array comparisons whose failures say where and by how much (first bad index, largest difference). */
public final class Compare {
    private Compare() {
    }

    /** Fails unless every actual[i] is within tol of expected[i] (the reference). */
    public static void assertClose(String what, float[] expected, float[] actual, Tolerance tol) {
        double[] e = new double[expected.length];
        double[] a = new double[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        assertClose(what, e, a, tol);
    }

    /** Double version, for finite-difference checks and double results such as sumOfSquares. */
    public static void assertClose(String what, double[] expected, double[] actual, Tolerance tol) {
        if (expected.length != actual.length) {
            throw new AssertionFailedError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        int firstBad = -1;
        int bad = 0;
        int worst = 0;
        double worstDiff = -1;
        for (int i = 0; i < expected.length; i++) {
            boolean ok = tol.accepts(expected[i], actual[i]);
            // a NaN or infinity mismatch ranks as the largest difference
            double diff = Math.abs(actual[i] - expected[i]);
            if (Double.isNaN(diff) || Double.isInfinite(diff)) {
                diff = ok ? 0 : Double.POSITIVE_INFINITY;
            }
            if (!ok) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                }
            }
            if (diff > worstDiff) {
                worstDiff = diff;
                worst = i;
            }
        }
        if (firstBad >= 0) {
            throw new AssertionFailedError(String.format(
                    "%s: %d of %d elements outside %s; first bad index %d: expected %s, actual %s;"
                            + " largest difference %s at index %d (expected %s, actual %s)",
                    what, bad, expected.length, tol, firstBad, expected[firstBad], actual[firstBad],
                    worstDiff, worst, expected[worst], actual[worst]));
        }
    }

    /**
     * Fails unless actual has the same bits as expected (NaNs compared as Float.floatToIntBits does,
     * so any NaN matches any NaN; -0 and 0 differ), naming the first differing index.
     */
    public static void assertSameBits(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionFailedError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        int differing = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                differing++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first >= 0) {
            throw new AssertionFailedError(String.format("%s: %d of %d elements differ in their bits; first at index"
                            + " %d: expected %s (0x%08x), actual %s (0x%08x)", what, differing, expected.length, first,
                    expected[first], Float.floatToIntBits(expected[first]), actual[first],
                    Float.floatToIntBits(actual[first])));
        }
    }

    /** Fails unless the int arrays are equal, naming the first differing index. */
    public static void assertSameInts(String what, int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionFailedError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionFailedError(what + ": first difference at index " + i + ": expected "
                        + expected[i] + ", actual " + actual[i]);
            }
        }
    }
}
