package org.jdna.engine.ops;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/** Elementwise ops with numpy broadcasting, each with its gradient rule. */
public final class Elementwise {
    private Elementwise() {
    }

    public static Tensor add(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor sub(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor mul(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor div(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor maximum(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor minimum(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor add(Tensor a, float s) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor mul(Tensor a, float s) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor pow(Tensor a, float p) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor neg(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor exp(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor log(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor sqrt(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor tanh(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor sigmoid(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor relu(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    /** GELU, tanh approximation (GPT-2). */
    public static Tensor gelu(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor silu(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor abs(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor square(Tensor a) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Comparisons give 1/0 tensors and no gradient. */
    public static Tensor eq(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor gt(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor lt(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    /** mask != 0 ? a : b, all three broadcast together; gradient flows to a and b. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    /** x where mask == 0, value where mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Inverted dropout: zero with probability p, scale kept values by 1/(1-p); identity when not training. */
    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) { throw new UnsupportedOperationException("not implemented yet"); }
}
