package org.jdna.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Supplier;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ops whose outputs are {@link Tensor#empty} (no zero fill) write every element: run inside a memory
 * scope whose pool holds only NaN-filled blocks, each op and its gradients equal the same op on fresh
 * zeroed memory. An output left partly unwritten would carry a NaN.
 */
@ExtendWith(ReferenceBackendExtension.class)
class OverwrittenOutputsTest {

    @Test
    void opsOnRecycledMemoryEqualOpsOnFreshMemory() {
        Rng rng = new Rng(21);
        Tensor x = Tensor.randn(rng, 1f, 6, 8).requiresGrad(true);
        Tensor y = Tensor.randn(rng, 1f, 1, 8).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 1f, 5, 8).requiresGrad(true);
        Tensor bias = Tensor.randn(rng, 1f, 5).requiresGrad(true);
        Supplier<float[]> run = () -> {
            x.zeroGrad();
            y.zeroGrad();
            w.zeroGrad();
            bias.zeroGrad();
            Tensor h = x.mul(y).add(x).gelu();                                         // broadcast binary, unary
            Tensor picked = Indexing.indexSelectRows(h, new int[]{5, 0, 0, 3});        // (4, 8)
            Tensor lin = LinearAlgebra.linear(picked, w, bias).add(LinearAlgebra.linear(picked, w, null));
            Tensor out = ShapeOps.slice(lin, 1, 1, 4);                                 // (4, 3)
            out.mul(out).sum().backward();
            return concat(out.toArray(), x.grad().toArray(), y.grad().toArray(), w.grad().toArray(),
                    bias.grad().toArray());
        };
        float[] fresh = run.get();
        float[] recycled;
        try (MemoryScope scope = MemoryScope.open()) {
            poisonPool();
            recycled = run.get();
        }
        assertArrayEquals(fresh, recycled);
    }

    /** Fills the pool's cache with NaN blocks of every size class the ops above use. */
    private static void poisonPool() {
        try (MemoryScope inner = MemoryScope.open()) {
            for (int n = 1; n <= 512; n++) {
                for (int copies = 0; copies < 6; copies++) {
                    Tensor.full(Float.NaN, n);
                }
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
