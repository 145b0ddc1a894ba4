package org.jdna.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Forward values of the ops against small hand-computed expectations (reference backend). */
@ExtendWith(ReferenceBackendExtension.class)
class OpsForwardTest {
    private static final double TOL = 1e-5;

    private static Tensor t(float[] data, int... shape) {
        return Tensor.of(data, shape);
    }

    private static Tensor arange(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return Tensor.of(d, shape);
    }

    private static void expect(Tensor actual, int[] shape, double... values) {
        assertArrayEquals(shape, actual.shape(), "shape of " + actual);
        float[] a = actual.toArray();
        assertEquals(values.length, a.length, "element count");
        for (int i = 0; i < a.length; i++) {
            assertEquals(values[i], a[i], TOL * Math.max(1, Math.abs(values[i])), "element " + i);
        }
    }

    @Test
    void broadcastingBinaryOps() {
        Tensor a = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = t(new float[]{10, 20, 30}, 3);
        Tensor col = t(new float[]{1, 2}, 2, 1);
        expect(Elementwise.add(a, row), new int[]{2, 3}, 11, 22, 33, 14, 25, 36);
        expect(Elementwise.sub(a, col), new int[]{2, 3}, 0, 1, 2, 2, 3, 4);
        expect(Elementwise.mul(row, col), new int[]{2, 3}, 10, 20, 30, 20, 40, 60);
        expect(Elementwise.div(a, Tensor.scalar(2f)), new int[]{2, 3}, 0.5, 1, 1.5, 2, 2.5, 3);
        expect(Elementwise.maximum(a, Tensor.scalar(3.5f)), new int[]{2, 3}, 3.5, 3.5, 3.5, 4, 5, 6);
        expect(Elementwise.minimum(a, Tensor.scalar(3.5f)), new int[]{2, 3}, 1, 2, 3, 3.5, 3.5, 3.5);
        expect(Elementwise.gt(a, Tensor.scalar(3f)), new int[]{2, 3}, 0, 0, 0, 1, 1, 1);
        expect(Elementwise.eq(a, t(new float[]{1, 0, 3}, 3)), new int[]{2, 3}, 1, 0, 1, 0, 0, 0);
        expect(Elementwise.lt(a, Tensor.scalar(2f)), new int[]{2, 3}, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void unaryAndScalarOps() {
        Tensor x = t(new float[]{-1, 0, 1, 4}, 4);
        expect(Elementwise.relu(x), new int[]{4}, 0, 0, 1, 4);
        expect(Elementwise.abs(x), new int[]{4}, 1, 0, 1, 4);
        expect(Elementwise.square(x), new int[]{4}, 1, 0, 1, 16);
        expect(Elementwise.neg(x), new int[]{4}, 1, 0, -1, -4);
        expect(Elementwise.add(x, 0.5f), new int[]{4}, -0.5, 0.5, 1.5, 4.5);
        expect(Elementwise.mul(x, 3f), new int[]{4}, -3, 0, 3, 12);
        expect(Elementwise.exp(t(new float[]{0, 1}, 2)), new int[]{2}, 1, Math.E);
        expect(Elementwise.log(t(new float[]{1, (float) Math.E}, 2)), new int[]{2}, 0, 1);
        expect(Elementwise.sqrt(t(new float[]{4, 9}, 2)), new int[]{2}, 2, 3);
        expect(Elementwise.pow(t(new float[]{2, 3}, 2), 3f), new int[]{2}, 8, 27);
        expect(Elementwise.reciprocal(t(new float[]{2, -4}, 2)), new int[]{2}, 0.5, -0.25);
        expect(Elementwise.sigmoid(t(new float[]{0}, 1)), new int[]{1}, 0.5);
        expect(Elementwise.tanh(t(new float[]{0.5f}, 1)), new int[]{1}, Math.tanh(0.5));
        expect(Elementwise.silu(t(new float[]{1}, 1)), new int[]{1}, 1 / (1 + Math.exp(-1)));
        // GPT-2's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        double g1 = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715)));
        expect(Elementwise.gelu(t(new float[]{0, 1}, 2)), new int[]{2}, 0, g1);
    }

    @Test
    void whereMaskedFillAndDropout() {
        Tensor mask = t(new float[]{1, 0, 1}, 3);
        Tensor a = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        expect(Elementwise.where(mask, a, Tensor.scalar(-1f)), new int[]{2, 3}, 1, -1, 3, 4, -1, 6);
        expect(Elementwise.maskedFill(a, mask, 9f), new int[]{2, 3}, 9, 2, 9, 9, 5, 9);

        Tensor x = Tensor.ones(1000);
        assertSame(x, Elementwise.dropout(x, 0.5f, new Rng(1), false), "eval-mode dropout is the identity");
        float[] d1 = Elementwise.dropout(x, 0.25f, new Rng(7), true).toArray();
        float[] d2 = Elementwise.dropout(x, 0.25f, new Rng(7), true).toArray();
        assertArrayEquals(d1, d2, "same seed, same mask");
        int kept = 0;
        for (float v : d1) {
            if (v != 0f) {
                assertEquals(1f / 0.75f, v, 1e-6, "kept values are scaled by 1/(1-p)");
                kept++;
            }
        }
        assertEquals(750, kept, 60, "about 1-p of the values are kept");
    }

    @Test
    void matmulValues() {
        Tensor a = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = t(new float[]{7, 8, 9, 10, 11, 12}, 3, 2);
        expect(LinearAlgebra.matmul(a, b), new int[]{2, 2}, 58, 64, 139, 154);
        Tensor aT = t(new float[]{1, 4, 2, 5, 3, 6}, 3, 2);
        Tensor bT = t(new float[]{7, 9, 11, 8, 10, 12}, 2, 3);
        expect(LinearAlgebra.matmul(aT, b, true, false), new int[]{2, 2}, 58, 64, 139, 154);
        expect(LinearAlgebra.matmul(a, bT, false, true), new int[]{2, 2}, 58, 64, 139, 154);
        expect(LinearAlgebra.matmul(aT, bT, true, true), new int[]{2, 2}, 58, 64, 139, 154);
        // batched: the second batch is a*2 @ b; and (B, m, k) @ shared (k, n)
        Tensor a2 = ShapeOps.concat(0, a.reshape(1, 2, 3), Elementwise.mul(a, 2f).reshape(1, 2, 3));
        Tensor b2 = ShapeOps.concat(0, b.reshape(1, 3, 2), b.reshape(1, 3, 2));
        expect(LinearAlgebra.matmul(a2, b2), new int[]{2, 2, 2}, 58, 64, 139, 154, 116, 128, 278, 308);
        expect(LinearAlgebra.matmul(a2, b), new int[]{2, 2, 2}, 58, 64, 139, 154, 116, 128, 278, 308);
        expect(LinearAlgebra.matmul(a, b2), new int[]{2, 2, 2}, 58, 64, 139, 154, 58, 64, 139, 154);
    }

    @Test
    void linearValues() {
        Tensor x = t(new float[]{1, 2, 3, -1, 0, 1}, 2, 3);
        Tensor w = t(new float[]{1, 0, 1, 0, 1, 0}, 2, 3);
        Tensor bias = t(new float[]{10, 20}, 2);
        expect(LinearAlgebra.linear(x, w, bias), new int[]{2, 2}, 14, 22, 10, 20);
        expect(LinearAlgebra.linear(x.reshape(1, 2, 3), w, null), new int[]{1, 2, 2}, 4, 2, 0, 0);
    }

    @Test
    void reductions() {
        Tensor x = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        expect(Reductions.sum(x), new int[]{}, 21);
        expect(Reductions.sum(x, false, 0), new int[]{3}, 5, 7, 9);
        expect(Reductions.sum(x, true, 1), new int[]{2, 1}, 6, 15);
        expect(Reductions.mean(x), new int[]{}, 3.5);
        expect(Reductions.mean(x, false, -1), new int[]{2}, 2, 5);
        expect(Reductions.max(x, 1, false), new int[]{2}, 3, 6);
        expect(Reductions.max(x, 0, true), new int[]{1, 3}, 4, 5, 6);
        Tensor y = arange(2, 3, 4);
        // sum over axes 0 and 2: for j, sum_i sum_k (12 i + 4 j + k) = 2*(0+1+2+3) + 12*4 + 8*4*j
        expect(Reductions.sum(y, false, 0, 2), new int[]{3}, 60, 92, 124);
    }

    @Test
    void maxGradientSplitsTies() {
        Tensor x = t(new float[]{1, 3, 3, 0}, 4).requiresGrad(true);
        Reductions.max(x, 0, false).backward();
        expect(x.grad(), new int[]{4}, 0, 0.5, 0.5, 0);
    }

    @Test
    void shapeOps() {
        Tensor x = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = ShapeOps.reshape(x, -1, 2);
        expect(r, new int[]{3, 2}, 1, 2, 3, 4, 5, 6);
        assertSame(x.storage(), r.storage(), "reshape is a view");
        expect(ShapeOps.transpose(x, 0, 1), new int[]{3, 2}, 1, 4, 2, 5, 3, 6);
        expect(ShapeOps.slice(x, 1, 1, 3), new int[]{2, 2}, 2, 3, 5, 6);
        expect(ShapeOps.slice(x, 0, 1, 2), new int[]{1, 3}, 4, 5, 6);
        expect(ShapeOps.concat(1, x, t(new float[]{7, 8}, 2, 1)), new int[]{2, 4}, 1, 2, 3, 7, 4, 5, 6, 8);
        expect(ShapeOps.concat(0, x, t(new float[]{7, 8, 9}, 1, 3)), new int[]{3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        expect(ShapeOps.expand(t(new float[]{1, 2, 3}, 3), 2, 3), new int[]{2, 3}, 1, 2, 3, 1, 2, 3);

        Tensor y = arange(2, 3, 4);
        Tensor p = ShapeOps.permute(y, 2, 0, 1); // p[i, j, k] = y[j, k, i]
        assertArrayEquals(new int[]{4, 2, 3}, p.shape());
        float[] pv = p.toArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(j * 12 + k * 4 + i, pv[(i * 2 + j) * 3 + k], "permute at " + i + "," + j + "," + k);
                }
            }
        }
    }

    @Test
    void sliceAndConcatOfTallMatricesUseTheStagedPath() {
        Tensor x = arange(100, 5); // 100 rows > the direct block-copy limit
        Tensor mid = ShapeOps.slice(x, 1, 1, 4);
        float[] v = mid.toArray();
        for (int r = 0; r < 100; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(r * 5 + c + 1, v[r * 3 + c], "slice at " + r + "," + c);
            }
        }
        Tensor joined = ShapeOps.concat(1, ShapeOps.slice(x, 1, 0, 1), mid, ShapeOps.slice(x, 1, 4, 5));
        assertArrayEquals(x.toArray(), joined.toArray(), "concat of the slices restores x");
        Tensor xg = arange(100, 5).requiresGrad(true);
        Reductions.sum(ShapeOps.slice(xg, 1, 1, 4)).backward();
        float[] g = xg.grad().toArray();
        for (int i = 0; i < g.length; i++) {
            int c = i % 5;
            assertEquals(c >= 1 && c < 4 ? 1f : 0f, g[i], "slice gradient at " + i);
        }
    }

    @Test
    void softmaxAndNorms() {
        float ln3 = (float) Math.log(3);
        expect(Softmax.softmax(t(new float[]{0, ln3}, 1, 2), -1), new int[]{1, 2}, 0.25, 0.75);
        expect(Softmax.logSoftmax(t(new float[]{0, ln3}, 1, 2), -1), new int[]{1, 2}, Math.log(0.25), Math.log(0.75));
        expect(Softmax.softmax(t(new float[]{0, ln3}, 2, 1), 0), new int[]{2, 1}, 0.25, 0.75);

        double s = 1 / Math.sqrt(2.0 / 3.0 + 1e-5);
        expect(Normalization.layerNorm(t(new float[]{1, 2, 3}, 1, 3), null, null, 1e-5f), new int[]{1, 3}, -s, 0, s);
        expect(Normalization.layerNorm(t(new float[]{1, 2, 3}, 1, 3), t(new float[]{2, 2, 2}, 3), t(new float[]{1, 1, 1}, 3), 1e-5f),
                new int[]{1, 3}, 1 - 2 * s, 1, 1 + 2 * s);
        double rms = Math.sqrt(12.5 + 1e-6);
        expect(Normalization.rmsNorm(t(new float[]{3, 4}, 1, 2), t(new float[]{1, 2}, 2), 1e-6f), new int[]{1, 2}, 3 / rms, 8 / rms);
    }

    @Test
    void indexing() {
        Tensor w = t(new float[]{0, 1, 10, 11, 20, 21}, 3, 2);
        expect(Indexing.embedding(w, new int[]{2, 0, 2, 1}, 2, 2), new int[]{2, 2, 2}, 20, 21, 0, 1, 20, 21, 10, 11);
        expect(Indexing.indexSelectRows(w, new int[]{1, 1}), new int[]{2, 2}, 10, 11, 10, 11);
        expect(Indexing.indexAddRows(t(new float[]{1, 2, 3}, 3, 1), new int[]{0, 0, 1}, 3), new int[]{3, 1}, 3, 3, 0);
        Tensor x = t(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        expect(Indexing.gather(x, 1, new int[]{2, 0, 1, 1}, 2), new int[]{2, 2}, 3, 1, 5, 5);
        expect(Indexing.gather(x, 0, new int[]{1, 0, 1}, 1), new int[]{1, 3}, 4, 2, 6);
    }

    @Test
    void crossEntropyValues() {
        Tensor logits = t(new float[]{0, 0, 0, (float) Math.log(3), 5, 5}, 3, 2);
        // row 0: ln 2; row 1, target 1: -ln(3/4); row 2 ignored
        expect(Losses.crossEntropy(logits, new int[]{0, 1, -100}, -100), new int[]{}, (Math.log(2) - Math.log(0.75)) / 2);
        expect(Losses.crossEntropy(logits, new int[]{-100, -100, -100}, -100), new int[]{}, 0);
    }

    @Test
    void attentionValues() {
        // q = 0: every allowed key gets the same weight, so each row averages the values it may see
        Tensor q = Tensor.zeros(3, 2);
        Tensor k = t(new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor v = t(new float[]{1, 10, 2, 20, 3, 30}, 3, 2);
        expect(Attention.attention(q, k, v, new int[]{0, 3}, 1, true, null), new int[]{3, 2}, 1, 10, 1.5, 15, 2, 20);
        expect(Attention.attention(q, k, v, new int[]{0, 1, 3}, 2, false, null), new int[]{3, 2}, 1, 10, 2.5, 25, 2.5, 25);
        Tensor mask = t(new float[]{1, 0, 0, 0}, 2, 2); // row 1 attends to nothing: zeros
        expect(Attention.attention(q.slice(0, 0, 2), k.slice(0, 0, 2), v.slice(0, 0, 2), new int[]{0, 2}, 1, false, mask),
                new int[]{2, 2}, 1, 10, 0, 0);
        // a real score difference: row 1 of a 2-row causal segment weighs keys by exp(q.k)
        Tensor q2 = t(new float[]{0, 0, 1, 0}, 2, 2);
        Tensor k2 = t(new float[]{0, 0, (float) Math.sqrt(2) * (float) Math.log(3), 0}, 2, 2);
        Tensor v2 = t(new float[]{4, 0, 8, 0}, 2, 2);
        // scores row 1: scale * (0, ln3 * sqrt2) with scale = 1/sqrt(2): weights (1/4, 3/4)
        expect(Attention.attention(q2, k2, v2, new int[]{0, 2}, 1, true, null), new int[]{2, 2}, 4, 0, 7, 0);
        expect(Attention.selfAttention(q.reshape(1, 3, 2), k.reshape(1, 3, 2), v.reshape(1, 3, 2), 1, true, null),
                new int[]{1, 3, 2}, 1, 10, 1.5, 15, 2, 20);
    }

    @Test
    void attentionPackedEqualsAttentionOnTheColumnBlocks() {
        Tensor qkv = Tensor.randn(new Rng(5), 1f, 7, 12); // q | k | v, width 4, 2 heads
        int[] segments = {0, 2, 2, 6, 7};
        Tensor packed = Attention.attentionPacked(qkv, segments, 2, true, null);
        Tensor split = Attention.attention(qkv.slice(1, 0, 4), qkv.slice(1, 4, 8), qkv.slice(1, 8, 12), segments, 2,
                true, null);
        assertArrayEquals(split.toArray(), packed.toArray(), 0f, "attentionPacked vs attention on the slices");
    }

    @Test
    void forwardOpsDoNotShareOutputStorageWithInputs() {
        Tensor x = t(new float[]{1, 2}, 2);
        Tensor y = ShapeOps.expand(x, 2);
        assertNotEquals(x.storage(), y.storage(), "expand to the same shape still copies");
    }
}
