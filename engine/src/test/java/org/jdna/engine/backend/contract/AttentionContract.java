package org.jdna.engine.backend.contract;

import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Contract of the fused attention pair over variable-length segments: dense causal batches,
 * ragged segments (empty and single-row ones included), per-segment masks with a fully masked
 * row, and one mask shared by all segments combined with causality.
 *
 * <p>Legend: N rows, S segments, L segment length, H heads, Dh head dim, W = H * Dh.
 */
public abstract class AttentionContract extends RoutingContract {

    /** One attention configuration; mask is null or (S, L, L) / (L, L) floats of 0 and 1. */
    protected record Layout(String name, int[] segments, int heads, int headDim, boolean causal,
                            float[] mask, int maskSegmentStride) {
        int rows() {
            return segments[segments.length - 1];
        }

        int width() {
            return heads * headDim;
        }

        float scale() {
            return (float) (1.0 / Math.sqrt(headDim));
        }
    }

    /** The configurations every backend must agree on. */
    protected static Layout[] layouts() {
        Rng rng = rng("attentionLayouts");
        int len = 6;
        float[] perSegment = integers(rng, 2 * len * len, 1);
        for (int i = 0; i < perSegment.length; i++) {
            perSegment[i] = perSegment[i] == 0 ? 0f : 1f; // about a third masked
        }
        for (int u = 0; u < len; u++) {
            perSegment[len * len + 3 * len + u] = 0f; // segment 1, row 3 sees nothing
        }
        float[] shared = new float[9 * 9];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = (i % 4 == 1) ? 0f : 1f;
        }
        return new Layout[]{
                new Layout("dense causal", new int[]{0, 8, 16}, 2, 7, true, null, 0),
                new Layout("dense full", new int[]{0, 33}, 1, 16, false, null, 0),
                new Layout("varlen full", new int[]{0, 5, 5, 6, 19}, 3, 16, false, null, 0),
                new Layout("varlen causal", new int[]{0, 5, 5, 6, 19}, 3, 16, true, null, 0),
                new Layout("masked per segment", new int[]{0, len, 2 * len}, 2, 5, false, perSegment, len * len),
                new Layout("masked per segment causal", new int[]{0, len, 2 * len}, 2, 5, true, perSegment, len * len),
                new Layout("shared mask causal", new int[]{0, 9, 18, 27}, 2, 8, true, shared, 0),
        };
    }

    @Test
    void attentionForwardOverEveryLayout() {
        for (Layout l : layouts()) {
            Rng rng = rng("attention " + l.name());
            int n = l.rows() * l.width();
            float[] q = normal(rng, n, 1);
            float[] k = normal(rng, n, 1);
            float[] v = normal(rng, n, 1);
            check("attention " + l.name(), Tolerance.ATTENTION, d -> {
                Storage out = d.garbage(n);
                Storage lse = d.garbage(l.heads() * l.rows());
                d.backend().attention().forward(out, lse, d.upload(q), d.upload(k), d.upload(v), l.segments(),
                        l.heads(), l.headDim(), l.causal(), l.mask() == null ? null : d.upload(l.mask()),
                        l.maskSegmentStride(), l.scale());
                return d.results(out, lse);
            });
        }
    }

    @Test
    void attentionBackwardOverEveryLayout() {
        for (Layout l : layouts()) {
            Rng rng = rng("attentionBackward " + l.name());
            int n = l.rows() * l.width();
            float[] q = normal(rng, n, 1);
            float[] k = normal(rng, n, 1);
            float[] v = normal(rng, n, 1);
            float[] dout = normal(rng, n, 1);
            check("attentionBackward " + l.name(), Tolerance.ATTENTION_BACKWARD, d -> {
                Storage qs = d.upload(q);
                Storage ks = d.upload(k);
                Storage vs = d.upload(v);
                Storage mask = l.mask() == null ? null : d.upload(l.mask());
                Storage out = d.zeros(n);
                Storage lse = d.zeros(l.heads() * l.rows());
                d.backend().attention().forward(out, lse, qs, ks, vs, l.segments(), l.heads(), l.headDim(), l.causal(),
                        mask, l.maskSegmentStride(), l.scale());
                Storage dq = d.garbage(n);
                Storage dk = d.garbage(n);
                Storage dv = d.garbage(n);
                d.backend().attention().backward(dq, dk, dv, d.upload(dout), qs, ks, vs, out, lse, l.segments(),
                        l.heads(), l.headDim(), l.causal(), mask, l.maskSegmentStride(), l.scale());
                return d.results(dq, dk, dv);
            });
        }
    }

    @Test
    void packedAttentionMatchesTheSeparateBlocksOverEveryLayout() {
        for (Layout l : layouts()) {
            Rng rng = rng("attentionPacked " + l.name());
            int rows = l.rows();
            int w = l.width();
            float[] qkv = normal(rng, rows * 3 * w, 1);
            float[] dout = normal(rng, rows * w, 1);
            check("attentionPacked " + l.name(), Tolerance.ATTENTION_BACKWARD, d -> {
                Storage packed = d.upload(qkv);
                Storage mask = l.mask() == null ? null : d.upload(l.mask());
                Storage out = d.garbage(rows * w);
                Storage lse = d.garbage(l.heads() * rows);
                d.backend().attention().forwardPacked(out, lse, packed, l.segments(), l.heads(), l.headDim(),
                        l.causal(), mask, l.maskSegmentStride(), l.scale());
                Storage dqkv = d.garbage(rows * 3 * w);
                d.backend().attention().backwardPacked(dqkv, d.upload(dout), packed, out, lse, l.segments(), l.heads(),
                        l.headDim(), l.causal(), mask, l.maskSegmentStride(), l.scale());
                return d.results(out, lse, dqkv);
            });
        }
    }

    /**
     * Rotary embedding, both directions, bit for bit: each output is two rounded products and one
     * rounded sum. Layouts: a packed q | k | v row (4 rotated heads of 6, 2 copied) with positions out
     * of order and repeated, a head of 2 (one pair), and no rotated heads (a plain copy).
     */
    @Test
    void rotaryForwardAndInverseMatchTheReferenceExactly() {
        record Rotary(String name, int rows, int width, int rotatedHeads, int headDim, int maxPositions) {}
        Rotary[] cases = {
                new Rotary("packed qkv", 9, 36, 4, 6, 12),
                new Rotary("one pair per head", 5, 6, 3, 2, 7),
                new Rotary("nothing rotated", 4, 5, 0, 2, 3),
        };
        for (Rotary c : cases) {
            Rng rng = rng("rotary " + c.name());
            int half = c.headDim() / 2;
            float[] x = normal(rng, c.rows() * c.width(), 1);
            float[] cos = normal(rng, c.maxPositions() * half, 1);
            float[] sin = normal(rng, c.maxPositions() * half, 1);
            int[] positions = new int[c.rows()];
            for (int r = 0; r < c.rows(); r++) {
                positions[r] = (7 * r + 3) % c.maxPositions();
            }
            for (boolean inverse : new boolean[]{false, true}) {
                check("rotary " + c.name() + (inverse ? " inverse" : ""), Tolerance.EXACT, d -> {
                    Storage out = d.garbage(c.rows() * c.width());
                    d.backend().attention().rotary(out, d.upload(x), positions, d.upload(cos), d.upload(sin),
                            c.width(), c.rotatedHeads(), c.headDim(), inverse);
                    return d.results(out);
                });
            }
        }
    }
}
