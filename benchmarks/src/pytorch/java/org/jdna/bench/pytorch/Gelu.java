package org.jdna.bench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The GELU of the DJL peers. ERF is DJL's {@link Activation#gelu}, libtorch's fused exact GELU and
 * the only fused GELU DJL exposes: the benchmarks use it. TANH is the form jdna and the Python peers
 * use (GPT-2's), spelled out in NDArray ops (7 passes forward, about 2.5x the fused op's time): the
 * checks use it to compare with jdna's kernels, whose GELU it is. The two cost the same in libtorch
 * when fused; spelled out, TANH would slow PyTorch down for a reason of DJL's, not of PyTorch's.
 */
enum Gelu {
    ERF, TANH;

    NDArray apply(NDArray x) {
        if (this == ERF) {
            return Activation.gelu(x);
        }
        // scalars as libtorch tensors, not DJL's Number overloads (Torch.scalar says why)
        NDArray inner = x.pow(Torch.scalar(x, 3)).mul(Torch.scalar(x, 0.044715f)).add(x)
                .mul(Torch.scalar(x, (float) Math.sqrt(2 / Math.PI)));
        return x.mul(Torch.scalar(x, 0.5f)).mul(inner.tanh().add(Torch.scalar(x, 1f)));
    }
}
