package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;

/**
 * The elementwise primitives and the strided copy, as plain loops, and the scalar definitions of the
 * elementwise functions and their local derivatives, in double. These few lines are the
 * specification of every {@link UnaryOp} and {@link BinaryOp}; fast backends call {@link #apply}
 * and {@link #derivative} for scalar tails and the ops they have no vector loop for, so the formulas
 * live once.
 *
 * <p>Legend: x the input, alpha the scalar operand of the *_SCALAR ops, n an element count; a
 * strided walk visits a shape in row-major order with a multi-index counter.
 */
public final class ReferenceElementwise implements ElementwiseKernels {
    /** sqrt(2 / pi), the constant of GPT-2's tanh approximation of GELU. */
    public static final double GELU_C = Math.sqrt(2.0 / Math.PI);
    public static final double GELU_A = 0.044715;

    ReferenceElementwise() {
    }

    // ---------------------------------------------------------------- the primitives

    /**
     * Walks dst in row-major order with a multi-index counter; rank 0 copies one element. When dst
     * is src, the loop reads a copy of it (the SPI's memmove rule: the whole view is read first).
     */
    @Override
    public void copyStrided(Storage dstS, Storage srcS, int srcOff, int[] shape, int[] srcStrides) {
        float[] dst = array(dstS);
        float[] src = array(srcS) == dst ? dst.clone() : array(srcS);
        int total = product(shape);
        int[] index = new int[shape.length];
        for (int flat = 0; flat < total; flat++) {
            dst[flat] = src[srcOff + offsetOf(index, srcStrides)];
            increment(index, shape);
        }
    }

    @Override
    public void unary(UnaryOp op, Storage outS, Storage xS, int n, float alpha) {
        float[] out = array(outS), x = array(xS);
        for (int i = 0; i < n; i++) {
            out[i] = (float) apply(op, x[i], alpha);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dxS, Storage doutS, Storage xS, int n, float alpha) {
        float[] dx = array(dxS), dout = array(doutS), x = array(xS);
        for (int i = 0; i < n; i++) {
            dx[i] = (float) (dout[i] * derivative(op, x[i], alpha));
        }
    }

    @Override
    public void binary(BinaryOp op, Storage outS, int[] shape, Storage aS, int[] aStrides, Storage bS, int[] bStrides) {
        float[] out = array(outS), a = array(aS), b = array(bS);
        int total = product(shape);
        int[] index = new int[shape.length];
        for (int flat = 0; flat < total; flat++) {
            out[flat] = (float) apply(op, a[offsetOf(index, aStrides)], b[offsetOf(index, bStrides)]);
            increment(index, shape);
        }
    }

    @Override
    public void where(Storage outS, Storage maskS, Storage aS, Storage bS, int n) {
        float[] out = array(outS), mask = array(maskS), a = array(aS), b = array(bS);
        for (int i = 0; i < n; i++) {
            out[i] = mask[i] != 0f ? a[i] : b[i];
        }
    }

    @Override
    public void addScaled(Storage yS, int yOff, Storage xS, int xOff, int n, float alpha) {
        float[] y = array(yS), x = array(xS);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) (y[yOff + i] + (double) alpha * x[xOff + i]);
        }
    }

    // ---------------------------------------------------------------- the scalar definitions

    public static double apply(UnaryOp op, double x, double alpha) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? x : 0.0);
            case GELU -> 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_A * x * x * x)));
            case SILU -> x * sigmoid(x);
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case ADD_SCALAR -> x + alpha;
            case MUL_SCALAR -> x * alpha;
            case POW_SCALAR -> Math.pow(x, alpha);
        };
    }

    /** op'(x; alpha), the local derivative (GELU: of the tanh approximation; RELU and ABS: 0 at 0). */
    public static double derivative(UnaryOp op, double x, double alpha) {
        return switch (op) {
            case NEG -> -1.0;
            case EXP -> Math.exp(x);
            case LOG -> 1.0 / x;
            case SQRT -> 0.5 / Math.sqrt(x);
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case SIGMOID -> {
                double s = sigmoid(x);
                yield s * (1 - s);
            }
            case RELU -> x > 0 ? 1.0 : 0.0;
            case GELU -> {
                // d/dx [0.5 x (1 + tanh(u))], u = c (x + a x^3):
                // 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) c (1 + 3 a x^2)
                double u = GELU_C * (x + GELU_A * x * x * x);
                double t = Math.tanh(u);
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * x * x);
            }
            case SILU -> {
                double s = sigmoid(x);
                yield s + x * s * (1 - s);
            }
            case ABS -> Math.signum(x);
            case SQUARE -> 2 * x;
            case RECIPROCAL -> -1.0 / (x * x);
            case ADD_SCALAR -> 1.0;
            case MUL_SCALAR -> alpha;
            case POW_SCALAR -> alpha == 0 ? 0.0 : alpha * Math.pow(x, alpha - 1);
        };
    }

    public static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1.0 : 0.0;
            case GT -> a > b ? 1.0 : 0.0;
            case LT -> a < b ? 1.0 : 0.0;
        };
    }

    /** The logistic function, written so that neither branch overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    // ---------------------------------------------------------------- strided walks

    private static int product(int[] shape) {
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        return total;
    }

    private static int offsetOf(int[] index, int[] strides) {
        int off = 0;
        for (int j = 0; j < index.length; j++) {
            off += index[j] * strides[j];
        }
        return off;
    }

    /** Advances a row-major multi-index by one (the last axis fastest). */
    private static void increment(int[] index, int[] shape) {
        for (int j = index.length - 1; j >= 0; j--) {
            if (++index[j] < shape[j]) {
                return;
            }
            index[j] = 0;
        }
    }
}
