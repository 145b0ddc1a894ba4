package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.Storage;

/**
 * Reductions as plain loops, every sum in double: the middle axis of an (outer, len, inner) view,
 * and the sum of squares of gradient-norm clipping.
 */
final class ReferenceReductions implements ReductionKernels {

    @Override
    public void reduce(ReduceOp op, Storage outS, Storage xS, int outer, int len, int inner) {
        float[] out = array(outS), x = array(xS);
        for (int a = 0; a < outer; a++) {
            for (int c = 0; c < inner; c++) {
                double acc = op == ReduceOp.SUM ? 0.0 : Double.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) {
                    float v = x[(a * len + l) * inner + c];
                    acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                }
                out[a * inner + c] = (float) acc;
            }
        }
    }

    @Override
    public double sumOfSquares(Storage xS, int off, int n) {
        float[] x = array(xS);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) x[off + i] * x[off + i];
        }
        return sum;
    }
}
