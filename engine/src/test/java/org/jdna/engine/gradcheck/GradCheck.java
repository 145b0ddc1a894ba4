package org.jdna.engine.gradcheck;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Function;

import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.autograd.Node;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * Finite-difference gradient check, backend-agnostic (it only uses tensors).
 *
 * <p>The scalar loss is L = sum(f(inputs) * W) with fixed random weights W, so every output element
 * matters with a different weight. Autograd's dL/dx is compared, element by element, with
 * (4 D(h) - D(2h)) / 3, Richardson's extrapolation of the central differences
 * D(h) = (L(x + h) - L(x - h)) / 2h: their h^2 error terms cancel, leaving O(h^4). L is evaluated in
 * double from the float outputs and 2h is the float distance actually stepped. With h = 1e-2 the
 * numeric value is then good to about 1e-4 on the float32 ops checked here (a plain central
 * difference was off by up to 5e-4 on the DNA's embeddings and 2% on small weights of the
 * transformer block), which lets the tolerances be tight enough that a gradient rule 1% off fails
 * ({@code GradCheckCanFailTest}). A failure names the op, the input, the first bad index and the
 * largest difference.
 *
 * <p>{@code f} must be deterministic (draw dropout masks from a fresh seeded Rng inside f) and
 * must read its inputs each time it runs (they are perturbed in place).
 */
public final class GradCheck {
    /** Default central-difference step for float32 computations. */
    public static final double DEFAULT_EPS = 1e-2;
    private static final long WEIGHT_SEED = 0x5EED_6AD5L;

    private GradCheck() {
    }

    /**
     * A named tolerance: a numeric and an analytic value agree when
     * |a - n| <= abs + rel * max(|a|, |n|). Both are below 1%, so a rule that is 1% off fails on
     * any gradient larger than abs / (1% - rel) (0.025 for SMOOTH).
     */
    public record Tolerance(String name, double abs, double rel) {
        /**
         * Ops with curvature, from one nonlinearity to norms, attention, a transformer block and a
         * whole DNA: the extrapolated difference was within 1e-4 of every gradient on the reference
         * and SIMD backends (largest: 9e-5, a transformer block's qkv weight), so 2e-4.
         */
        public static final Tolerance SMOOTH = new Tolerance("smooth", 2e-4, 2e-3);
        /** Linear-in-input ops (copies, sums, matmul, combine): the difference is exact up to rounding. */
        public static final Tolerance LINEAR = new Tolerance("linear", 1e-4, 1e-3);

        public boolean accepts(double numeric, double analytic) {
            return Math.abs(numeric - analytic) <= abs + rel * Math.max(Math.abs(numeric), Math.abs(analytic));
        }

        /** The same tolerance widened by {@code factor} (e.g. for a backend with reduced-precision GEMM). */
        public Tolerance scaled(double factor) {
            return new Tolerance(name + "x" + factor, abs * factor, rel * factor);
        }
    }

    /** Checks every input's gradient with the default step. */
    public static void check(String op, Tolerance tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(op, tol, DEFAULT_EPS, f, inputs);
    }

    /** Checks every input's gradient; inputs become leaves with requiresGrad and their grads are cleared. */
    @SuppressWarnings("try") // the scope is only closed, never read
    public static void check(String op, Tolerance tol, double eps, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.zeroGrad();
            t.requiresGrad(true);
        }
        Tensor out = f.apply(inputs);
        float[] weights = weights(out.numel());
        if (!out.requiresGrad()) {
            throw new AssertionError(op + ": output " + out.shapeString() + " is not connected to the inputs (no gradient)");
        }
        // dL/dout = W: seeding backward with W keeps the check independent of the mul and sum ops
        out.backward(Tensor.of(out.backend(), weights, out.shape()));
        float[][] analytic = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = inputs[i].grad();
            if (g != null && !Arrays.equals(g.shape(), inputs[i].shape())) {
                throw new AssertionError(op + ": gradient of input " + i + " has shape " + g.shapeString()
                        + ", input " + inputs[i].shapeString());
            }
            analytic[i] = g == null ? new float[inputs[i].numel()] : g.toArray();
        }
        try (var ignored = GradMode.disabled()) {
            for (int i = 0; i < inputs.length; i++) {
                compare(op, tol, eps, f, inputs, weights, i, analytic[i]);
            }
        } finally {
            for (Tensor t : inputs) {
                t.zeroGrad();
            }
        }
    }

    /**
     * f, except that on the graph it records, the rule of every node made by {@code op} has its
     * result scaled by factor (the incoming gradient is scaled: every rule is linear in it). For
     * showing that a check catches a rule that is slightly off ({@code GradCheckCanFailTest}).
     */
    public static Function<Tensor[], Tensor> ruleScaled(String op, float factor, Function<Tensor[], Tensor> f) {
        return in -> {
            Tensor out = f.apply(in);
            Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            ArrayDeque<Tensor> todo = new ArrayDeque<>();
            todo.push(out);
            int scaled = 0;
            while (!todo.isEmpty()) {
                Tensor t = todo.pop();
                Node node = t.gradFn();
                if (node == null || !seen.add(t)) {
                    continue;
                }
                if (node.op().equals(op)) {
                    t.attachGradFn(new Node(op, node.inputs(), g -> node.backward().apply(g.mul(factor))));
                    scaled++;
                }
                for (Tensor input : node.inputs()) {
                    if (input != null) {
                        todo.push(input);
                    }
                }
            }
            if (scaled == 0 && out.gradFn() != null) {
                throw new IllegalStateException("no node made by '" + op + "' in the graph: nothing was scaled");
            }
            return out;
        };
    }

    private static void compare(String op, Tolerance tol, double eps, Function<Tensor[], Tensor> f, Tensor[] inputs,
                                float[] weights, int which, float[] analytic) {
        Tensor x = inputs[which];
        float[] data = x.toArray();
        int firstBad = -1;
        double firstNumeric = 0;
        double maxDiff = 0;
        int maxAt = -1;
        for (int j = 0; j < data.length; j++) {
            // Richardson's extrapolation of two central differences: the h^2 terms cancel
            double numeric = (4 * centralDifference(f, inputs, weights, x, data, j, eps)
                    - centralDifference(f, inputs, weights, x, data, j, 2 * eps)) / 3;
            double diff = Math.abs(numeric - analytic[j]);
            if (!(diff <= maxDiff)) { // also catches NaN
                maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                maxAt = j;
            }
            if (firstBad < 0 && !tol.accepts(numeric, analytic[j])) {
                firstBad = j;
                firstNumeric = numeric;
            }
        }
        if (firstBad >= 0) {
            throw new AssertionError(String.format(
                    "%s: gradient of input %d %s wrong at flat index %d %s: numeric %.6g vs autograd %.6g;"
                            + " largest |diff| %.3g at index %d; tolerance %s (abs %.1g, rel %.1g), eps %.1g, backend %s",
                    op, which, x.shapeString(), firstBad, Arrays.toString(unflatten(firstBad, x.shape())), firstNumeric,
                    analytic[firstBad], maxDiff, maxAt, tol.name(), tol.abs(), tol.rel(), eps, x.backend().name()));
        }
    }

    /** (L(x + h) - L(x - h)) / (the float distance actually stepped), input element j moved in place. */
    private static double centralDifference(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] weights, Tensor x,
                                            float[] data, int j, double h) {
        float orig = data[j];
        float plus = (float) (orig + h);
        float minus = (float) (orig - h);
        data[j] = plus;
        x.set(data);
        double lossPlus = loss(f.apply(inputs), weights);
        data[j] = minus;
        x.set(data);
        double lossMinus = loss(f.apply(inputs), weights);
        data[j] = orig;
        x.set(data);
        return (lossPlus - lossMinus) / ((double) plus - (double) minus);
    }

    /** L = sum(out * w), accumulated in double. */
    private static double loss(Tensor out, float[] weights) {
        float[] o = out.toArray();
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += (double) o[i] * weights[i];
        }
        return s;
    }

    /** Fixed weights in [-1.5, -0.5] U [0.5, 1.5]: no output is weighted near zero. */
    private static float[] weights(int n) {
        Rng rng = new Rng(WEIGHT_SEED);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double mag = 0.5 + rng.nextDouble();
            w[i] = (float) (rng.nextDouble() < 0.5 ? -mag : mag);
        }
        return w;
    }

    private static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = shape[i] == 0 ? 0 : flat % shape[i];
            flat = shape[i] == 0 ? 0 : flat / shape[i];
        }
        return idx;
    }
}
