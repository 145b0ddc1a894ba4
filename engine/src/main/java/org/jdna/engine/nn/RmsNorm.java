package org.jdna.engine.nn;

import org.jdna.engine.ops.Normalization;
import org.jdna.engine.tensor.Tensor;

/** RMSNorm over the last axis with a gain (ones): x / sqrt(mean(x^2) + eps) * w. */
public final class RmsNorm extends Module {
    private final int dim;
    private final float eps;
    private final Tensor weight;

    public RmsNorm(int dim, float eps) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("RmsNorm: need dim > 0 and eps > 0, got dim=" + dim + " eps=" + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(dim), ParameterKind.NORM);
    }

    /** x (..., dim) -> same shape. */
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != dim) {
            throw new IllegalArgumentException("RmsNorm(" + dim + "): input shape " + x.shapeString()
                    + " does not end in " + dim);
        }
        return Normalization.rmsNorm(x, weight, eps);
    }

    public Tensor weight() { return weight; }

    public int dim() { return dim; }

    public float eps() { return eps; }
}
