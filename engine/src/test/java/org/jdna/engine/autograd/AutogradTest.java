package org.jdna.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.ops.Elementwise;
import org.jdna.engine.ops.Reductions;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tape's contract: accumulation, shared inputs, no-grad scopes, detach, non-leaf rules. */
@ExtendWith(ReferenceBackendExtension.class)
class AutogradTest {
    private static Tensor leaf(float... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    private static void expect(float[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toArray(), 1e-6f);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = leaf(1, 2);
        Reductions.sum(Elementwise.mul(x, 3f)).backward();
        expect(new float[]{3, 3}, x.grad());
        Reductions.sum(Elementwise.mul(x, 3f)).backward();
        expect(new float[]{6, 6}, x.grad());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void backwardTwiceThroughTheSameGraph() {
        Tensor x = leaf(1, 2);
        Tensor y = Reductions.sum(Elementwise.square(x));
        y.backward();
        y.backward();
        expect(new float[]{4, 8}, x.grad()); // 2 * 2x
    }

    @Test
    void sharedSubexpressionSumsBothUses() {
        Tensor x = leaf(1, 2, 3);
        // y = x*x + x: dy/dx = 2x + 1
        Reductions.sum(Elementwise.add(Elementwise.mul(x, x), x)).backward();
        expect(new float[]{3, 5, 7}, x.grad());
        Tensor a = leaf(1, 1);
        Reductions.sum(Elementwise.add(a, a)).backward();
        expect(new float[]{2, 2}, a.grad());
    }

    @Test
    void aGradientHandedToTwoInputsIsNeverWrittenInPlace() {
        // add passes the same dout to both inputs; u then receives a second contribution. Summing
        // that into the shared tensor in place would double w's gradient.
        Tensor x = leaf(1, 1);
        Tensor w = leaf(0, 0);
        Tensor u = Elementwise.mul(x, 2f);
        Tensor v = Elementwise.add(u, w);
        Reductions.sum(Elementwise.add(v, u)).backward();
        expect(new float[]{1, 1}, w.grad());
        expect(new float[]{4, 4}, x.grad());
    }

    @Test
    void aSummedGradientHandedOnIsNeverWrittenInPlace() {
        // t gets two contributions, so the tape sums them into a tensor of its own; add then hands that
        // tensor to both x and y, and y's rule hands it to w and x. Summing x's second contribution into
        // it in place would double w's gradient as well. s = 2t = 2x + 2y = 4x + 2w.
        Tensor x = leaf(1, 1);
        Tensor w = leaf(0, 0);
        Tensor y = Elementwise.add(w, x);
        Tensor t = Elementwise.add(x, y);
        Reductions.sum(Elementwise.add(t, t)).backward();
        expect(new float[]{2, 2}, w.grad());
        expect(new float[]{4, 4}, x.grad());
    }

    @Test
    void leafGradientDoesNotAliasTheSeed() {
        Tensor x = leaf(1, 2);
        Tensor y = x.reshape(2, 1);
        Tensor seed = Tensor.of(new float[]{1, 1}, 2, 1);
        y.backward(seed);
        y.backward(seed);
        expect(new float[]{1, 1}, seed);
        expect(new float[]{2, 2}, x.grad());
    }

    @Test
    @SuppressWarnings("try") // the scope is only closed, never read
    void noGradScopeRecordsNothing() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (var ignored = GradMode.disabled()) {
            y = Elementwise.mul(x, 2f);
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled(), "the scope restores recording");
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertThrows(IllegalStateException.class, () -> Reductions.sum(y).backward());
    }

    @Test
    void detachStopsGradients() {
        Tensor x = leaf(2, 3);
        // y = detach(x) * x: only the second factor carries a gradient, dy/dx = x
        Reductions.sum(Elementwise.mul(x.detach(), x)).backward();
        expect(new float[]{2, 3}, x.grad());
        assertFalse(x.detach().requiresGrad());
    }

    @Test
    void requiresGradOnNonLeaf() {
        Tensor x = leaf(1, 2);
        Tensor y = Elementwise.mul(x, 2f);
        assertTrue(y.requiresGrad());
        y.requiresGrad(true); // harmless
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("mulScalar") && e.getMessage().contains("detach"), e.getMessage());
        // a non-leaf keeps no gradient unless asked to
        Tensor z = Elementwise.mul(x, 3f).retainGrad();
        Reductions.sum(Elementwise.mul(y, z)).backward();
        assertNull(y.grad());
        expect(new float[]{2, 4}, z.grad()); // d(y.z)/dz = y
    }

    @Test
    void inputsWithoutRequiresGradGetNoGradient() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(new float[]{5, 6}, 2);
        Reductions.sum(Elementwise.mul(x, c)).backward();
        assertNull(c.grad());
        expect(new float[]{5, 6}, x.grad());
    }
}
