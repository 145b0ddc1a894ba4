package org.jdna.dna.model;

/** Differences between float arrays, computed in double, with the first index of the largest one. */
final class Diff {
    private Diff() {
    }

    static double maxAbs(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    /** Fails with the first differing index and the largest difference unless |a - b| <= tol everywhere. */
    static void assertClose(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": lengths differ: " + expected.length + " vs " + actual.length);
        }
        int first = -1;
        double max = 0;
        int maxAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= tol) && first < 0) {
                first = i;
            }
            if (!(d <= max)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                maxAt = i;
            }
        }
        if (first >= 0) {
            throw new AssertionError(String.format("%s: first difference above %.1g at index %d (%.8g vs %.8g);"
                    + " largest %.3g at index %d", what, tol, first, expected[first], actual[first], max, maxAt));
        }
    }

    /** Rows [from, to) of a row-major (rows, width) array. */
    static float[] rows(float[] a, int width, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from * width, to * width);
    }
}
