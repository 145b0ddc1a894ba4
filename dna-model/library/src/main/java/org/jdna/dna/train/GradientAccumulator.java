package org.jdna.dna.train;

import java.util.Arrays;
import java.util.List;

import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Tensor;

/**
 * The gradient of a batch run as M shards (train.microBatches): after each shard's backward,
 * {@link #take} moves every parameter's gradient into a running sum, so the sum is always
 * g_0 + g_1 + ... + g_{M-1}, added left to right in shard order; {@link #restore} hands back
 * sum * (1/M), the gradient of the mean of the shards' losses. A parameter no shard reached keeps
 * no gradient; one that only some shards reached sums over those. Data-parallel workers reduce
 * their shard gradients by the same rule and in the same order, so they get the same bits
 * ({@link #reduceAcross}).
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

    /**
     * Data-parallel workers, each after the backward of its own shard: replaces every parameter's gradient by the
     * sum of the workers' shard gradients in rank order, times 1/N, on every worker; the same bits as
     * {@link #take} over the N shards and {@link #restore}. One vector goes through
     * {@link WorkerGroup#sumInRankOrder}: a flag per parameter (1 where this shard reached it), then every gradient,
     * -0.0 where this shard has none: -0.0 is the float sum's identity (x + -0.0 = x for every x, +0.0 and -0.0
     * included), so a shard that did not reach a parameter adds nothing, as take() skips it. A parameter no shard
     * reached keeps no gradient. With {@code failed} (this shard's backward met non-finite values) the vector is
     * NaN, so every worker's gradient norm is NaN and every worker stops at the same step.
     *
     * @return the floats this worker sent (and received) in the reduction
     */
    long reduceAcross(WorkerGroup workers, boolean failed) {
        int count = parameters.size();
        int length = count;
        for (Tensor p : parameters) {
            length = Math.addExact(length, p.numel());
        }
        float[] v = new float[length];
        if (failed) {
            Arrays.fill(v, Float.NaN);
        } else {
            int at = count;
            for (int i = 0; i < count; i++) {
                Tensor p = parameters.get(i);
                if (p.grad() != null) {
                    v[i] = 1f;
                    float[] g = p.grad().toArray();
                    System.arraycopy(g, 0, v, at, g.length);
                } else {
                    Arrays.fill(v, at, at + p.numel(), -0.0f);
                }
                at += p.numel();
            }
        }
        workers.sumInRankOrder(v);
        int at = count;
        for (int i = 0; i < count; i++) {
            Tensor p = parameters.get(i);
            p.zeroGrad();
            if (v[i] != 0) {                          // reached by some shard (or NaN: failed)
                sums[i] = Tensor.of(p.backend(), Arrays.copyOfRange(v, at, at + p.numel()), p.shape());
            }
            at += p.numel();
        }
        restore(workers.size());
        return length;
    }
}
