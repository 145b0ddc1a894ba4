package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.ops.ConcurrentParts;
import org.jdna.engine.ops.Indexing;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Modules side by side on the pool's threads give the very bits of the same modules run one after
 * another on one thread: outputs, input gradients and every parameter gradient (the DNA model's
 * routed step relies on this for "same seed, same loss curve" at any thread count).
 */
class SimdConcurrentPartsTest {

    private record Run(float[] out, float[] dh, float[][] grads) {
    }

    private static Run run(Backend backend) {
        Backend previous = Backends.current();
        Backends.use(backend);
        try {
            Rng rng = new Rng(11);
            TransformerBlock.Options options = TransformerBlock.Options.gpt2(32, 4);
            TransformerBlock[] modules = {new TransformerBlock(options, rng), new TransformerBlock(options, rng),
                    new TransformerBlock(options, rng)};
            Tensor h = Tensor.randn(rng, 1f, 96, 32).requiresGrad(true);
            int[][] rows = {range(0, 40), range(20, 96), range(50, 60)};
            Tensor[] inputs = new Tensor[rows.length];
            for (int i = 0; i < rows.length; i++) {
                inputs[i] = Indexing.indexSelectRows(h, rows[i]);
            }
            Tensor out = ConcurrentParts.concat(inputs, (i, x) -> modules[i].forward(x, new int[]{0, rows[i].length},
                    true, null));
            out.backward(Tensor.randn(new Rng(12), 1f, out.shape()));
            java.util.List<Tensor> params = new java.util.ArrayList<>();
            for (TransformerBlock m : modules) {
                params.addAll(m.parameters());
            }
            float[][] grads = new float[params.size()][];
            for (int p = 0; p < grads.length; p++) {
                grads[p] = params.get(p).grad().toArray();
            }
            return new Run(out.toArray(), h.grad().toArray(), grads);
        } finally {
            Backends.use(previous);
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    @Test
    void twoThreadsGiveTheBitsOfOne() {
        Run one;
        Run two;
        try (SimdBackend b1 = new SimdBackend(1); SimdBackend b2 = new SimdBackend(2)) {
            one = run(b1);
            two = run(b2);
        }
        assertArrayEquals(one.out(), two.out(), "output");
        assertArrayEquals(one.dh(), two.dh(), "dh");
        for (int p = 0; p < one.grads().length; p++) {
            assertArrayEquals(one.grads()[p], two.grads()[p], "parameter " + p);
        }
    }

    @Test
    void oneThreadTwiceGivesTheSameBits() {
        try (SimdBackend b1 = new SimdBackend(1)) {
            Run first = run(b1);
            Run again = null;
            for (int r = 0; r < 5; r++) {
                again = run(b1);
            }
            assertArrayEquals(first.out(), again.out(), "output, one thread, first vs 6th run");
        }
    }
}
