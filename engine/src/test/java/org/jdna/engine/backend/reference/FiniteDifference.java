package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;

/**
 * Central finite differences of a reference forward kernel, for checking the backward kernels.
 * The loss is L = sum_i dout[i] * out[i], accumulated in double; its derivative by one input
 * element is compared with the analytic gradient the backward kernel wrote for that dout.
 *
 * <p>The forward results are float32, so the step is fairly large (1e-2) and the denominator uses
 * the float-rounded step actually taken; a wrong formula is off by O(1), far beyond the tolerance.
 */
final class FiniteDifference {
    static final Backend REF = ReferenceBackend.INSTANCE;
    static final double STEP = 1e-2;
    static final Tolerance TOLERANCE = new Tolerance("FINITE_DIFFERENCE", 1e-4, 1e-3);

    private FiniteDifference() {
    }

    /** A forward pass over host inputs; returns the output the loss weights with dout. */
    @FunctionalInterface
    interface Forward {
        float[] apply(float[][] inputs);
    }

    /** dL / d inputs[which][i] for every i, by central differences. */
    static double[] numericGradient(Forward f, float[][] inputs, int which, float[] dout) {
        float[] x = inputs[which];
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            float plus = (float) (saved + STEP);
            float minus = (float) (saved - STEP);
            x[i] = plus;
            double lossPlus = weightedSum(f.apply(inputs), dout);
            x[i] = minus;
            double lossMinus = weightedSum(f.apply(inputs), dout);
            x[i] = saved;
            grad[i] = (lossPlus - lossMinus) / ((double) plus - minus);
        }
        return grad;
    }

    /** Fails unless analytic (what a backward kernel wrote) matches the finite differences. */
    static void assertGradient(String what, Forward f, float[][] inputs, int which, float[] dout, float[] analytic) {
        double[] numeric = numericGradient(f, inputs, which, dout);
        double[] actual = new double[analytic.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = analytic[i];
        }
        Compare.assertClose(what + " (analytic vs finite difference)", numeric, actual, TOLERANCE);
    }

    static double weightedSum(float[] out, float[] dout) {
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += (double) dout[i] * out[i];
        }
        return sum;
    }

    static Storage of(float[] values) {
        Storage s = REF.allocate(values.length);
        REF.copyIn(s, 0, values, 0, values.length);
        return s;
    }

    static float[] read(Storage s) {
        float[] host = new float[s.length()];
        REF.copyOut(s, 0, host, 0, host.length);
        return host;
    }
}
