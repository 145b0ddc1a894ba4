package org.jdna.engine.backend.contract;

/**
 * A named tolerance: actual is close to the reference value ref when
 * |actual - ref| <= abs + rel * |ref| (docs/architecture.md, rule 3). NaN matches only NaN and an
 * infinity only the same infinity.
 */
public record Tolerance(String name, double abs, double rel) {
    /** Bit-exact (copies, gathers, index choices, comparisons). */
    public static final Tolerance EXACT = new Tolerance("EXACT", 0, 0);
    /** One rounding of an elementwise function (transcendental functions may differ by a few ulps). */
    public static final Tolerance ELEMENTWISE = new Tolerance("ELEMENTWISE", 1e-6, 1e-5);
    /** Sums and row statistics (softmax, norms, losses) accumulated in float by a fast backend. */
    public static final Tolerance REDUCTION = new Tolerance("REDUCTION", 1e-5, 1e-4);
    /** Dot products of length up to a few hundred accumulated in float. */
    public static final Tolerance GEMM = new Tolerance("GEMM", 1e-4, 1e-4);
    /** Attention forward (a softmax of dot products followed by a weighted sum). */
    public static final Tolerance ATTENTION = new Tolerance("ATTENTION", 2e-5, 2e-4);
    /** Attention backward (two chained GEMM-like sums, recomputed probabilities). */
    public static final Tolerance ATTENTION_BACKWARD = new Tolerance("ATTENTION_BACKWARD", 1e-4, 1e-3);
    /** The AdamW update (a square root and a division per element). */
    public static final Tolerance OPTIMIZER = new Tolerance("OPTIMIZER", 1e-6, 1e-5);

    public Tolerance {
        if (!(abs >= 0) || !(rel >= 0)) {
            throw new IllegalArgumentException("Tolerance " + name + ": abs and rel must be >= 0, got " + abs + ", " + rel);
        }
    }

    /** The same tolerance with abs and rel multiplied by factor (for a backend that needs more room, e.g. TF32). */
    public Tolerance scaled(double factor) {
        return new Tolerance(name + "x" + factor, abs * factor, rel * factor);
    }

    /** Whether actual is within this tolerance of the reference value. */
    public boolean accepts(double ref, double actual) {
        if (Double.isNaN(ref) || Double.isNaN(actual)) {
            return Double.isNaN(ref) && Double.isNaN(actual);
        }
        if (Double.isInfinite(ref) || Double.isInfinite(actual)) {
            return ref == actual;
        }
        return Math.abs(actual - ref) <= abs + rel * Math.abs(ref);
    }

    @Override
    public String toString() {
        return name + "(abs " + abs + ", rel " + rel + ")";
    }
}
