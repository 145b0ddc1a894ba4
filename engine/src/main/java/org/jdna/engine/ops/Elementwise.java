package org.jdna.engine.ops;

import static org.jdna.engine.ops.Broadcast.expandTo;
import static org.jdna.engine.ops.Broadcast.sumToShape;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Elementwise ops with numpy broadcasting. Gradient of a broadcast input: the output gradient
 * times the local derivative, summed over the broadcast axes ({@link Broadcast#sumToShape}).
 */
public final class Elementwise {
    private Elementwise() {
    }

    // ------------------------------------------------------------------ binary, broadcasting

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", BinaryOp.ADD, a, b);
        return Autograd.record("add", out, dout -> {
            Autograd.accumulate(a, sumToShape(dout, a.shape()));
            Autograd.accumulate(b, sumToShape(dout, b.shape()));
        }, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", BinaryOp.SUB, a, b);
        return Autograd.record("sub", out, dout -> {
            Autograd.accumulate(a, sumToShape(dout, a.shape()));
            if (b.requiresGrad()) {
                Autograd.accumulate(b, neg(sumToShape(dout, b.shape())));
            }
        }, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", out, dout -> {
            if (a.requiresGrad()) {
                Autograd.accumulate(a, sumToShape(mul(dout, b), a.shape()));
            }
            if (b.requiresGrad()) {
                Autograd.accumulate(b, sumToShape(mul(dout, a), b.shape()));
            }
        }, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", BinaryOp.DIV, a, b);
        return Autograd.record("div", out, dout -> {
            Tensor gradA = div(dout, b); // d(a/b)/da = 1/b
            if (a.requiresGrad()) {
                Autograd.accumulate(a, sumToShape(gradA, a.shape()));
            }
            if (b.requiresGrad()) { // d(a/b)/db = -(a/b)/b = -out/b
                Autograd.accumulate(b, neg(sumToShape(mul(gradA, out), b.shape())));
            }
        }, a, b);
    }

    /** Elementwise max; on ties the gradient is split evenly between a and b. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", BinaryOp.MAXIMUM, BinaryOp.GT, a, b);
    }

    /** Elementwise min; on ties the gradient is split evenly between a and b. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", BinaryOp.MINIMUM, BinaryOp.LT, a, b);
    }

    private static Tensor extremum(String op, BinaryOp kind, BinaryOp wins, Tensor a, Tensor b) {
        Tensor out = binary(op, kind, a, b);
        return Autograd.record(op, out, dout -> {
            // share of a: 1 where a wins, 1/2 on ties, 0 where b wins
            Tensor shareA = add(binary(op, wins, a, b), mul(binary(op, BinaryOp.EQ, a, b), 0.5f));
            Tensor gradA = mul(dout, shareA);
            if (a.requiresGrad()) {
                Autograd.accumulate(a, sumToShape(gradA, a.shape()));
            }
            if (b.requiresGrad()) {
                Autograd.accumulate(b, sumToShape(sub(dout, gradA), b.shape()));
            }
        }, a, b);
    }

    /** Comparisons give 1/0 tensors and no gradient. */
    public static Tensor eq(Tensor a, Tensor b) { return binary("eq", BinaryOp.EQ, a, b); }
    public static Tensor gt(Tensor a, Tensor b) { return binary("gt", BinaryOp.GT, a, b); }
    public static Tensor lt(Tensor a, Tensor b) { return binary("lt", BinaryOp.LT, a, b); }

    /** out = op(a, b) at the broadcast shape, unrecorded. */
    static Tensor binary(String op, BinaryOp kind, Tensor a, Tensor b) {
        OpChecks.notNull(op, "a", a);
        OpChecks.notNull(op, "b", b);
        Backend be = OpChecks.sameBackend(op, a, b);
        int[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        Tensor out = Tensor.empty(be, shape);                     // the primitive writes every element
        be.elementwise().binary(kind, out.storage(), shape, a.storage(), Shapes.broadcastStrides(a.shape(), shape),
                b.storage(), Shapes.broadcastStrides(b.shape(), shape));
        return out;
    }

    // ------------------------------------------------------------------ unary and scalar

    public static Tensor add(Tensor a, float s) { return unary("addScalar", UnaryOp.ADD_SCALAR, a, s); }
    public static Tensor mul(Tensor a, float s) { return unary("mulScalar", UnaryOp.MUL_SCALAR, a, s); }
    /** a^p elementwise (a > 0 unless p is an integer). */
    public static Tensor pow(Tensor a, float p) { return unary("pow", UnaryOp.POW_SCALAR, a, p); }
    public static Tensor neg(Tensor a) { return unary("neg", UnaryOp.NEG, a, 0f); }
    public static Tensor exp(Tensor a) { return unary("exp", UnaryOp.EXP, a, 0f); }
    public static Tensor log(Tensor a) { return unary("log", UnaryOp.LOG, a, 0f); }
    public static Tensor sqrt(Tensor a) { return unary("sqrt", UnaryOp.SQRT, a, 0f); }
    public static Tensor tanh(Tensor a) { return unary("tanh", UnaryOp.TANH, a, 0f); }
    public static Tensor sigmoid(Tensor a) { return unary("sigmoid", UnaryOp.SIGMOID, a, 0f); }
    public static Tensor relu(Tensor a) { return unary("relu", UnaryOp.RELU, a, 0f); }
    /** GELU, tanh approximation (GPT-2). */
    public static Tensor gelu(Tensor a) { return unary("gelu", UnaryOp.GELU, a, 0f); }
    public static Tensor silu(Tensor a) { return unary("silu", UnaryOp.SILU, a, 0f); }
    public static Tensor abs(Tensor a) { return unary("abs", UnaryOp.ABS, a, 0f); }
    public static Tensor square(Tensor a) { return unary("square", UnaryOp.SQUARE, a, 0f); }
    public static Tensor reciprocal(Tensor a) { return unary("reciprocal", UnaryOp.RECIPROCAL, a, 0f); }

    /** One unary primitive forward; its backward is the backend's unaryBackward (the local derivative). */
    private static Tensor unary(String op, UnaryOp kind, Tensor x, float alpha) {
        OpChecks.notNull(op, "x", x);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, x.shape());                 // the primitives write every element
        be.elementwise().unary(kind, out.storage(), x.storage(), x.numel(), alpha);
        return Autograd.record(op, out, dout -> {
            Tensor dx = Tensor.empty(be, x.shape());
            be.elementwise().unaryBackward(kind, dx.storage(), dout.storage(), x.storage(), x.numel(), alpha);
            Autograd.accumulateFresh(x, dx);
        }, x);
    }

    // ------------------------------------------------------------------ selection

    /** mask != 0 ? a : b, all three broadcast together; gradient flows to a and b (not to mask). */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        OpChecks.notNull("where", "mask", mask);
        OpChecks.notNull("where", "a", a);
        OpChecks.notNull("where", "b", b);
        Backend be = OpChecks.sameBackend("where", mask, a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape(), a.shape()), b.shape());
        Tensor m = expandTo(mask, shape);
        Tensor out = Tensor.zeros(be, shape);
        be.elementwise().where(out.storage(), m.storage(), expandTo(a, shape).storage(), expandTo(b, shape).storage(),
                out.numel());
        return Autograd.record("where", out, dout -> {
            Tensor zeros = Tensor.zeros(be, shape);
            if (a.requiresGrad()) {
                Tensor da = Tensor.zeros(be, shape);
                be.elementwise().where(da.storage(), m.storage(), dout.storage(), zeros.storage(), da.numel());
                Autograd.accumulate(a, sumToShape(da, a.shape()));
            }
            if (b.requiresGrad()) {
                Tensor db = Tensor.zeros(be, shape);
                be.elementwise().where(db.storage(), m.storage(), zeros.storage(), dout.storage(), db.numel());
                Autograd.accumulate(b, sumToShape(db, b.shape()));
            }
        }, a, b);
    }

    /** x where mask == 0, value where mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        OpChecks.notNull("maskedFill", "x", x);
        OpChecks.notNull("maskedFill", "mask", mask);
        Backend be = OpChecks.sameBackend("maskedFill", x, mask);
        int[] shape = x.shape();
        if (!Arrays.equals(Shapes.broadcast("maskedFill", mask.shape(), shape), shape)) {
            throw new IllegalArgumentException("maskedFill: mask " + mask.shapeString() + " does not broadcast to x "
                    + x.shapeString());
        }
        Tensor m = expandTo(mask, shape);
        Tensor fill = Tensor.zeros(be, shape).fill(value);
        Tensor out = Tensor.zeros(be, shape);
        be.elementwise().where(out.storage(), m.storage(), fill.storage(), x.storage(), out.numel());
        return Autograd.record("maskedFill", out, dout -> {
            Tensor dx = Tensor.zeros(be, shape);
            be.elementwise().where(dx.storage(), m.storage(), fill.fill(0f).storage(), dout.storage(), dx.numel());
            Autograd.accumulateFresh(x, dx);
        }, x);
    }

    /**
     * Inverted dropout: zero with probability p, scale kept values by 1/(1-p); identity when not
     * training or p == 0. The mask is drawn on the host from {@code rng}, so the same seed drops the
     * same elements on every backend.
     */
    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
        OpChecks.notNull("dropout", "x", x);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) {
            return x;
        }
        OpChecks.notNull("dropout", "rng", rng);
        float keepScale = p == 1f ? 0f : 1f / (1f - p);
        float[] m = new float[x.numel()];
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < p ? 0f : keepScale;
        }
        Backend be = x.backend();
        Tensor mask = Tensor.of(be, m, x.shape());
        Tensor out = binary("dropout", BinaryOp.MUL, x, mask);
        return Autograd.record("dropout", out, dout -> Autograd.accumulate(x, binary("dropout", BinaryOp.MUL, dout, mask)), x);
    }
}
