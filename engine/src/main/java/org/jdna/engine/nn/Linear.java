package org.jdna.engine.nn;

import org.jdna.engine.ops.LinearAlgebra;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * y = x W^T + b, PyTorch's layout: weight (out, in), bias (out). Initialised as PyTorch does,
 * U(-1/sqrt(in), 1/sqrt(in)) for both; {@link Gpt2Init} re-initialises GPT-2 style.
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;
    private boolean residualProjection;

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: features must be positive, got in=" + inFeatures
                    + " out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight",
                Init.uniformFanIn(Tensor.zeros(outFeatures, inFeatures), inFeatures, rng), ParameterKind.WEIGHT);
        this.bias = bias
                ? registerParameter("bias", Init.uniformFanIn(Tensor.zeros(outFeatures), inFeatures, rng), ParameterKind.BIAS)
                : null;
    }

    /** x (..., in) -> (..., out). */
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " -> " + outFeatures + "): input shape "
                    + x.shapeString() + " does not end in " + inFeatures);
        }
        return LinearAlgebra.linear(x, weight, bias);
    }

    /** (out, in). */
    public Tensor weight() { return weight; }

    /** (out), or null without bias. */
    public Tensor bias() { return bias; }

    public int inFeatures() { return inFeatures; }

    public int outFeatures() { return outFeatures; }

    /**
     * Marks this layer as a projection that adds into the residual stream (attention output, MLP
     * output): GPT-2 scales its initial weights by 1/sqrt(2 * layers).
     */
    public Linear markResidualProjection() {
        residualProjection = true;
        return this;
    }

    public boolean isResidualProjection() { return residualProjection; }
}
