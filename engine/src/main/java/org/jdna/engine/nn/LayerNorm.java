package org.jdna.engine.nn;

import org.jdna.engine.ops.Normalization;
import org.jdna.engine.tensor.Tensor;

/** LayerNorm over the last axis with gain (ones) and optional shift (zeros). */
public final class LayerNorm extends Module {
    public static final float DEFAULT_EPS = 1e-5f;
    private final int dim;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int dim) {
        this(dim, DEFAULT_EPS, true);
    }

    public LayerNorm(int dim, float eps, boolean bias) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: need dim > 0 and eps > 0, got dim=" + dim + " eps=" + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(dim), ParameterKind.NORM);
        this.bias = bias ? registerParameter("bias", Tensor.zeros(dim), ParameterKind.NORM) : null;
    }

    /** x (..., dim) -> same shape. */
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != dim) {
            throw new IllegalArgumentException("LayerNorm(" + dim + "): input shape " + x.shapeString()
                    + " does not end in " + dim);
        }
        return Normalization.layerNorm(x, weight, bias, eps);
    }

    public Tensor weight() { return weight; }

    /** Null without shift. */
    public Tensor bias() { return bias; }

    public int dim() { return dim; }

    public float eps() { return eps; }
}
