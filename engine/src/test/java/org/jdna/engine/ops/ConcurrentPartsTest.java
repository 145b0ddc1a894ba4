package org.jdna.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ConcurrentParts on the reference backend (tasks in order): the same values and gradients as the
 * parts run as plain ops, a leaf shared by two parts, no graph when not recording, failures named.
 * The SIMD module runs the same op on two threads (SimdConcurrentPartsTest, and the gradient check).
 */
@ExtendWith(ReferenceBackendExtension.class)
class ConcurrentPartsTest {
    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), 1f, shape).requiresGrad(true);
    }

    // part 0: tanh(x w); part 1: (x * v) w (w shared); part 2: x (identity)
    private static Tensor part(int i, Tensor x, Tensor w, Tensor v) {
        return switch (i) {
            case 0 -> Elementwise.tanh(LinearAlgebra.matmul(x, w));
            case 1 -> LinearAlgebra.matmul(Elementwise.mul(x, v), w);
            default -> x;
        };
    }

    @Test
    void matchesThePlainGraphValuesAndGradients() {
        Tensor[] x = {param(1, 3, 4), param(2, 6, 4), param(3, 2, 4)};
        Tensor w = param(4, 4, 4);
        Tensor v = param(5, 4);
        Tensor seed = Tensor.randn(new Rng(6), 1f, 11, 4);

        Tensor plain = ShapeOps.concat(0, part(0, x[0], w, v), part(1, x[1], w, v), part(2, x[2], w, v));
        plain.backward(seed);
        float[][] expected = {plain.toArray(), x[0].grad().toArray(), x[1].grad().toArray(), x[2].grad().toArray(),
                w.grad().toArray(), v.grad().toArray()};
        for (Tensor t : new Tensor[]{x[0], x[1], x[2], w, v}) {
            t.zeroGrad();
        }

        Tensor parts = ConcurrentParts.concat(x, (i, in) -> part(i, in, w, v));
        parts.backward(seed);
        float[][] actual = {parts.toArray(), x[0].grad().toArray(), x[1].grad().toArray(), x[2].grad().toArray(),
                w.grad().toArray(), v.grad().toArray()};
        String[] names = {"output", "dx0", "dx1", "dx2", "dw (shared by parts 0 and 1)", "dv"};
        for (int k = 0; k < names.length; k++) {
            assertEquals(expected[k].length, actual[k].length, names[k]);
            for (int j = 0; j < expected[k].length; j++) {
                assertEquals(expected[k][j], actual[k][j], 1e-6f * (1 + Math.abs(expected[k][j])), names[k] + " at " + j);
            }
        }
    }

    @Test
    void runsTheLongestPartFirst() {
        int[] order = new int[3];
        int[] next = {0};
        Tensor[] x = {Tensor.zeros(2, 1), Tensor.zeros(5, 1), Tensor.zeros(3, 1)};
        ConcurrentParts.concat(x, (i, in) -> {
            order[next[0]++] = i;
            return in;
        });
        assertArrayEquals(new int[]{1, 2, 0}, order);
    }

    @SuppressWarnings("try")
    @Test
    void recordsNothingWhenGradientsAreOff() {
        Tensor w = param(7, 4, 4);
        Tensor out;
        try (var ignored = GradMode.disabled()) {
            out = ConcurrentParts.concat(new Tensor[]{param(8, 2, 4), param(9, 3, 4)},
                    (i, in) -> LinearAlgebra.matmul(in, w));
        }
        assertNull(out.gradFn());
        assertTrue(!out.requiresGrad());
        assertArrayEquals(new int[]{5, 4}, out.shape());
    }

    @Test
    void aFailingPartIsRethrownAndBadPartsAreNamed() {
        Tensor[] x = {Tensor.zeros(2, 1), Tensor.zeros(3, 1)};
        IllegalStateException boom = new IllegalStateException("part 0 failed");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> ConcurrentParts.concat(x, (i, in) -> {
            if (i == 0) {
                throw boom;
            }
            return in;
        })));
        IllegalStateException nullPart = assertThrows(IllegalStateException.class,
                () -> ConcurrentParts.concat(x, (i, in) -> i == 1 ? null : in));
        assertTrue(nullPart.getMessage().contains("part 1 returned null"), nullPart.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConcurrentParts.concat(new Tensor[0], (i, in) -> in));
    }
}
