package org.jdna.dna.train;

import java.util.List;

import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Tensor;

/**
 * The gradient of a batch run as M shards (train.microBatches): after each shard's backward,
 * {@link #take} moves every parameter's gradient into a running sum, so the sum is always
 * g_0 + g_1 + ... + g_{M-1}, added left to right in shard order; {@link #restore} hands back
 * sum * (1/M), the gradient of the mean of the shards' losses. A parameter no shard reached keeps
 * no gradient; one that only some shards reached sums over those. Data-parallel workers reduce
 * their shard gradients by the same rule and in the same order, so they get the same bits.
 */
final class GradientAccumulator {
    private final List<Tensor> parameters;
    private final Tensor[] sums;

    GradientAccumulator(List<Tensor> parameters) {
        this.parameters = parameters;
        this.sums = new Tensor[parameters.size()];
    }

    /** Adds the gradients of the shard whose backward just ran, and clears them on the parameters. */
    void take() {
        for (int i = 0; i < sums.length; i++) {
            Tensor p = parameters.get(i);
            if (p.grad() == null) {
                continue;
            }
            if (sums[i] == null) {
                sums[i] = p.handOverGrad();  // the first shard's gradient becomes the sum, memory and all
            } else {
                sums[i].addInPlace(p.grad(), 1f);
                p.zeroGrad();                // back to the pool inside a memory scope
            }
        }
    }

    /** Sets each parameter's gradient to its sum over the {@code shards} shards taken, times 1/shards; clears the sums. */
    void restore(int shards) {
        float scale = 1f / shards;
        for (int i = 0; i < sums.length; i++) {
            Tensor g = sums[i];
            if (g == null) {
                continue;
            }
            if (shards > 1) {
                g.backend().elementwise().unary(UnaryOp.MUL_SCALAR, g.storage(), g.storage(), g.numel(), scale);
            }
            parameters.get(i).takeGrad(g);
            sums[i] = null;
        }
    }
}
