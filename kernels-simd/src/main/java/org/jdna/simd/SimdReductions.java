package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.Storage;

/**
 * Reductions over the middle axis of an (outer, len, inner) view, and the sum of squares used for
 * gradient-norm clipping. Work is split over outputs (outer rows, or column ranges of inner), so
 * each output is summed by one thread in a fixed order: the result does not depend on the
 * thread count.
 *
 * <p>Legend: (O, L, I) = (outer, len, inner); out (O, I).
 */
final class SimdReductions implements ReductionKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Elements read per parallel chunk. */
    private static final int GRAIN = 1 << 13;
    /** Columns per chunk when a reduction with few output rows is split across its columns (vectors of 8 or 16). */
    private static final int COLUMN_BLOCK = 64;
    /** sumOfSquares sums blocks of this many floats in float, then the block sums in double. */
    private static final int BLOCK = 1024;

    private final Parallel parallel;

    SimdReductions(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void reduce(ReduceOp op, Storage outS, Storage xS, int outer, int len, int inner) {
        float[] out = array(outS), x = array(xS);
        if (outer == 0 || inner == 0) {
            return;
        }
        int grain = Math.max(1, GRAIN / Math.max(1, len * inner));
        if (inner == 1) {
            // contiguous rows: one vector reduction per row
            parallel.forRange(outer, grain, (from, to) -> {
                for (int o = from; o < to; o++) {
                    out[o] = op == ReduceOp.SUM ? VectorOps.sum(x, o * len, len) : VectorOps.max(x, o * len, len);
                }
            });
            return;
        }
        // inner > 1: out[o, :] accumulates the rows x[o, l, :] over l, vectors across the inner axis
        if (outer < parallel.threads() && inner >= 2 * COLUMN_BLOCK) {
            // few output rows (a bias gradient: outer = 1): split the columns instead; each element
            // is still summed over l in order by one thread
            int blocks = (inner + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
            int grainBlocks = Math.max(1, GRAIN / Math.max(1, len * COLUMN_BLOCK * outer));
            parallel.forRange(blocks, grainBlocks, (from, to) ->
                    reduceColumns(op, out, x, 0, outer, len, inner, from * COLUMN_BLOCK, Math.min(inner, to * COLUMN_BLOCK)));
            return;
        }
        parallel.forRange(outer, grain, (from, to) -> {
            for (int o = from; o < to; o++) {
                reduceColumns(op, out, x, o, o + 1, len, inner, 0, inner);
            }
        });
    }

    /** out[o, j] = reduce over l of x[o, l, j] for o in [o0, o1), j in [j0, j1), l in order. */
    private static void reduceColumns(ReduceOp op, float[] out, float[] x, int o0, int o1, int len, int inner,
                                      int j0, int j1) {
        for (int o = o0; o < o1; o++) {
            int outBase = o * inner + j0;
            int width = j1 - j0;
            java.util.Arrays.fill(out, outBase, outBase + width, op == ReduceOp.SUM ? 0f : Float.NEGATIVE_INFINITY);
            for (int l = 0; l < len; l++) {
                int xBase = (o * len + l) * inner + j0;
                if (op == ReduceOp.SUM) {
                    VectorOps.add(out, outBase, x, xBase, width);
                } else {
                    maxInto(out, outBase, x, xBase, width);
                }
            }
        }
    }

    /** y[i] = max(y[i], x[i]), NaN-propagating like Math.max. */
    private static void maxInto(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        if (S != null) {
            for (int up = S.loopBound(n); i < up; i += L) {
                FloatVector.fromArray(S, y, yOff + i).max(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
        }
    }

    /** sum of x[off + i]^2: float vector sums of 1024-element blocks, added in double in block order. */
    @Override
    public double sumOfSquares(Storage xS, int off, int n) {
        float[] x = array(xS);
        double sum = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            sum += VectorOps.dot(x, off + start, x, off + start, len);
        }
        return sum;
    }
}
