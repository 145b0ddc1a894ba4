package org.jdna.simd;

import org.jdna.engine.backend.reference.ReferenceElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.UnaryOp;

/**
 * Unary elementwise ops and their local derivatives over a range [from, to). The activations of a
 * transformer (GELU, ReLU, SiLU, tanh, sigmoid, exp) and the cheap arithmetic ops have vector
 * loops, one explicit loop per op (a shared loop calling a per-op function would box the vectors
 * if that call were not inlined). The rest (log, sqrt, pow, ...) and every scalar tail use the
 * double-precision definitions of {@link ReferenceElementwise}.
 *
 * <p>Legend: x the input, g the upstream gradient dout, alpha the scalar operand.
 */
final class SimdUnary {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_A = 0.044715f;

    private SimdUnary() {
    }

    /** out[i] = op(x[i]; alpha) for i in [from, to). */
    static void forward(UnaryOp op, float[] out, float[] x, int from, int to, float alpha) {
        int i = from;
        if (S != null) {
            int up = from + S.loopBound(to - from);
            switch (op) {
                case GELU -> i = geluForward(out, x, i, up);
                case RELU -> {
                    for (; i < up; i += L) {
                        FloatVector v = FloatVector.fromArray(S, x, i);
                        v.blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(out, i);
                    }
                }
                case SILU -> i = siluForward(out, x, i, up);
                case SIGMOID -> i = sigmoidForward(out, x, i, up);
                case TANH -> i = tanhForward(out, x, i, up);
                case EXP -> i = expForward(out, x, i, up);
                case NEG -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, x, i).neg().intoArray(out, i);
                    }
                }
                case SQUARE -> {
                    for (; i < up; i += L) {
                        FloatVector v = FloatVector.fromArray(S, x, i);
                        v.mul(v).intoArray(out, i);
                    }
                }
                case ADD_SCALAR -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, x, i).add(alpha).intoArray(out, i);
                    }
                }
                case MUL_SCALAR -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, x, i).mul(alpha).intoArray(out, i);
                    }
                }
                default -> {
                    // log, sqrt, abs, reciprocal, pow: the scalar definitions below
                }
            }
        }
        for (; i < to; i++) {
            out[i] = (float) ReferenceElementwise.apply(op, x[i], alpha);
        }
    }

    /** dx[i] = g[i] * op'(x[i]; alpha) for i in [from, to). */
    static void backward(UnaryOp op, float[] dx, float[] g, float[] x, int from, int to, float alpha) {
        int i = from;
        if (S != null) {
            int up = from + S.loopBound(to - from);
            switch (op) {
                case GELU -> i = geluBackward(dx, g, x, i, up);
                case RELU -> {
                    for (; i < up; i += L) {
                        VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                        FloatVector.zero(S).blend(FloatVector.fromArray(S, g, i), positive).intoArray(dx, i);
                    }
                }
                case SILU -> i = siluBackward(dx, g, x, i, up);
                case SIGMOID -> i = sigmoidBackward(dx, g, x, i, up);
                case TANH -> i = tanhBackward(dx, g, x, i, up);
                case EXP -> i = expBackward(dx, g, x, i, up);
                case NEG -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, g, i).neg().intoArray(dx, i);
                    }
                }
                case SQUARE -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, x, i).mul(2f).mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
                    }
                }
                case ADD_SCALAR -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, g, i).intoArray(dx, i);
                    }
                }
                case MUL_SCALAR -> {
                    for (; i < up; i += L) {
                        FloatVector.fromArray(S, g, i).mul(alpha).intoArray(dx, i);
                    }
                }
                default -> {
                    // the scalar definitions below
                }
            }
        }
        for (; i < to; i++) {
            dx[i] = (float) (g[i] * ReferenceElementwise.derivative(op, x[i], alpha));
        }
    }

    // The activations whose vector loops call VectorMath, one method each. With every op's loop in
    // one method, the GELU backward's tanh was seen not compiled whole: its blend ran the Vector
    // API's Java fallback, boxing 192 bytes per vector (786 KB per call of 64K floats, 2.2 ns per
    // float against 1.4 now; benchmarks/results/design-measurements.md, "SimdUnary").

    private static int geluForward(float[] out, float[] x, int i, int up) {
        // 0.5 x (1 + tanh(u)) = x / (1 + exp(-2u)), u = c (x + a x^3): one exp costs about
        // half a tanh, and 1 + tanh(u) no longer cancels for negative u. -2u is clamped to
        // [-80, 80], where exp stays on its fast path (for x in [-10, -5], x / (1 + e^80)
        // is 0 to within 1e-33); below x = -10 the result is 0 * x, as the reference's
        // 0.5 x (1 + tanh(u)) (-0, or NaN at -infinity).
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector minus2u = v.mul(v).fma(FloatVector.broadcast(S, GELU_A), one).mul(v).mul(-2f * GELU_C);
            FloatVector y = v.div(VectorMath.exp(minus2u.min(80f).max(-80f)).add(1f));
            y.blend(v.mul(0f), v.compare(VectorOperators.LT, -10f)).intoArray(out, i);
        }
        return i;
    }

    private static int siluForward(float[] out, float[] x, int i, int up) {
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.div(VectorMath.exp(v.neg()).add(1f)).intoArray(out, i);
        }
        return i;
    }

    private static int sigmoidForward(float[] out, float[] x, int i, int up) {
        // 1 / (1 + exp(-x)): exp overflows to infinity for very negative x, giving 0 as it should
        // (written out at each use: a helper taking a vector is boxed when C2 does not inline it)
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector.broadcast(S, 1f).div(VectorMath.exp(v.neg()).add(1f)).intoArray(out, i);
        }
        return i;
    }

    private static int tanhForward(float[] out, float[] x, int i, int up) {
        for (; i < up; i += L) {
            VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int expForward(float[] out, float[] x, int i, int up) {
        for (; i < up; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        return i;
    }

    private static int geluBackward(float[] dx, float[] g, float[] x, int i, int up) {
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector v2 = v.mul(v);
            FloatVector t = VectorMath.tanh(v2.mul(v).fma(FloatVector.broadcast(S, GELU_A), v).mul(GELU_C));
            // 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2), x^2 capped at 1e4: beyond |x| = 100
            // t is +-1 exactly, so 1 - t^2 = 0, and an x^2 overflowing (|x| > 1.8e19) made 0 * inf = NaN
            FloatVector inner = v2.min(1e4f).fma(FloatVector.broadcast(S, 3 * GELU_A),
                    FloatVector.broadcast(S, 1f)).mul(GELU_C);
            FloatVector sech2 = t.neg().fma(t, FloatVector.broadcast(S, 1f));
            FloatVector d = v.mul(0.5f).mul(sech2).mul(inner).add(t.add(1f).mul(0.5f));
            d.mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
        }
        return i;
    }

    private static int siluBackward(float[] dx, float[] g, float[] x, int i, int up) {
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector s = FloatVector.broadcast(S, 1f).div(VectorMath.exp(v.neg()).add(1f));
            // s + x s (1 - s)
            FloatVector d = v.mul(s).mul(s.neg().add(1f)).add(s);
            d.mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
        }
        return i;
    }

    private static int sigmoidBackward(float[] dx, float[] g, float[] x, int i, int up) {
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector s = FloatVector.broadcast(S, 1f).div(VectorMath.exp(v.neg()).add(1f));
            s.mul(s.neg().add(1f)).mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
        }
        return i;
    }

    private static int tanhBackward(float[] dx, float[] g, float[] x, int i, int up) {
        for (; i < up; i += L) {
            FloatVector t = VectorMath.tanh(FloatVector.fromArray(S, x, i));
            t.neg().fma(t, FloatVector.broadcast(S, 1f)).mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
        }
        return i;
    }

    private static int expBackward(float[] dx, float[] g, float[] x, int i, int up) {
        for (; i < up; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, x, i))
                    .mul(FloatVector.fromArray(S, g, i)).intoArray(dx, i);
        }
        return i;
    }
}
