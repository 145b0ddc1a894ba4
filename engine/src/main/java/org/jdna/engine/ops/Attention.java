package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Tensor;

/**
 * Fused scaled-dot-product attention (forward/backward pair on the backend).
 * Layout: q, k, v (rows, heads*headDim); segments are row offsets (see AttentionKernels#forward).
 * Legend: R rows, H heads, Dh head dim, S segments, L segment length, B batch, T sequence length.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Attention within segments: rows [segments[s], segments[s+1]) attend to each other, causally
     * when asked, and only where mask != 0 when a mask (S or 1, L, L) or (L, L) is given (every
     * segment must then have length L). Scale is 1/sqrt(headDim). The mask gets no gradient.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, int[] segments, int heads, boolean causal, Tensor mask) {
        String op = "attention";
        OpChecks.notNull(op, "q", q);
        OpChecks.notNull(op, "k", k);
        OpChecks.notNull(op, "v", v);
        OpChecks.notNull(op, "segments", segments);
        Backend be = OpChecks.sameBackend(op, q, k, v, mask);
        OpChecks.rank(op, "q (rows, heads*headDim)", q, 2);
        OpChecks.shape(op, "k (like q " + q.shapeString() + ")", k, q.shape());
        OpChecks.shape(op, "v (like q " + q.shapeString() + ")", v, q.shape());
        int rows = q.dim(0);
        int width = q.dim(1);
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException(op + ": width " + width + " of q " + q.shapeString()
                    + " is not divisible into " + heads + " heads");
        }
        int headDim = width / heads;
        int[] segs = checkSegments(op, segments, rows);
        int maskStride = 0;
        if (mask != null) {
            maskStride = checkMask(op, mask, segs);
        }
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Tensor out = Tensor.empty(be, rows, width);
        Tensor lse = Tensor.empty(be, heads, rows);
        Storage maskStorage = mask == null ? null : mask.storage();
        final int ms = maskStride;
        be.attention().forward(out.storage(), lse.storage(), q.storage(), k.storage(), v.storage(), segs, heads,
                headDim, causal, maskStorage, ms, scale);
        return Autograd.record(op, out, dout -> {
            Tensor dq = Tensor.empty(be, rows, width);
            Tensor dk = Tensor.empty(be, rows, width);
            Tensor dv = Tensor.empty(be, rows, width);
            be.attention().backward(dq.storage(), dk.storage(), dv.storage(), dout.storage(), q.storage(), k.storage(),
                    v.storage(), out.storage(), lse.storage(), segs, heads, headDim, causal, maskStorage, ms, scale);
            Autograd.accumulateFresh(q, dq);
            Autograd.accumulateFresh(k, dk);
            Autograd.accumulateFresh(v, dv);
        }, q, k, v);
    }

    /**
     * Attention on a fused projection: qkv (rows, 3 * heads*headDim) holds q | k | v as column
     * blocks (GPT-2's c_attn layout); otherwise as {@link #attention}. One op instead of three
     * slices and an attention: the backward writes dq, dk, dv straight into one (rows, 3W) gradient,
     * where three slice gradients would each be a zero-filled (rows, 3W) tensor summed by the tape,
     * and a backend that reads strided rows
     * ({@link org.jdna.engine.backend.AttentionKernels#forwardPacked}) copies nothing.
     */
    public static Tensor attentionPacked(Tensor qkv, int[] segments, int heads, boolean causal, Tensor mask) {
        String op = "attentionPacked";
        OpChecks.notNull(op, "qkv", qkv);
        OpChecks.notNull(op, "segments", segments);
        Backend be = OpChecks.sameBackend(op, qkv, mask);
        OpChecks.rank(op, "qkv (rows, 3*heads*headDim)", qkv, 2);
        int rows = qkv.dim(0);
        if (qkv.dim(1) % 3 != 0) {
            throw new IllegalArgumentException(op + ": qkv " + qkv.shapeString() + " does not split into q | k | v"
                    + " (width not divisible by 3)");
        }
        int width = qkv.dim(1) / 3;
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException(op + ": width " + width + " of q in qkv " + qkv.shapeString()
                    + " is not divisible into " + heads + " heads");
        }
        int headDim = width / heads;
        int[] segs = checkSegments(op, segments, rows);
        int ms = mask == null ? 0 : checkMask(op, mask, segs);
        Storage maskStorage = mask == null ? null : mask.storage();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Tensor out = Tensor.empty(be, rows, width);
        Tensor lse = Tensor.empty(be, heads, rows);
        be.attention().forwardPacked(out.storage(), lse.storage(), qkv.storage(), segs, heads, headDim, causal,
                maskStorage, ms, scale);
        return Autograd.record(op, out, dout -> {
            Tensor dqkv = Tensor.empty(be, rows, 3 * width);
            be.attention().backwardPacked(dqkv.storage(), dout.storage(), qkv.storage(), out.storage(), lse.storage(),
                    segs, heads, headDim, causal, maskStorage, ms, scale);
            Autograd.accumulateFresh(qkv, dqkv);
        }, qkv);
    }

    /**
     * Rotary position embedding ({@link org.jdna.engine.backend.AttentionKernels#rotary}): x (rows, W)
     * -> the same shape, the first rotatedHeads heads of headDim of row r rotated by the angles of
     * positions[r] in the tables cos and sin (maxPositions, headDim/2), the other columns unchanged.
     * Differentiable in x (the backward is the rotation by the opposite angle); the tables get no
     * gradient.
     */
    public static Tensor rotary(Tensor x, int[] positions, Tensor cos, Tensor sin, int rotatedHeads, int headDim) {
        String op = "rotary";
        OpChecks.notNull(op, "x", x);
        OpChecks.notNull(op, "positions", positions);
        OpChecks.notNull(op, "cos", cos);
        OpChecks.notNull(op, "sin", sin);
        Backend be = OpChecks.sameBackend(op, x, cos, sin);
        OpChecks.rank(op, "x (rows, width)", x, 2);
        OpChecks.rank(op, "cos (maxPositions, headDim/2)", cos, 2);
        OpChecks.shape(op, "sin (like cos " + cos.shapeString() + ")", sin, cos.shape());
        int rows = x.dim(0);
        int width = x.dim(1);
        if (headDim <= 0 || headDim % 2 != 0 || cos.dim(1) != headDim / 2) {
            throw new IllegalArgumentException(op + ": heads of " + headDim + " need an even width and tables of "
                    + "headDim/2 columns, got cos " + cos.shapeString());
        }
        if (rotatedHeads < 0 || (long) rotatedHeads * headDim > width) {
            throw new IllegalArgumentException(op + ": " + rotatedHeads + " heads of " + headDim + " do not fit in x "
                    + x.shapeString());
        }
        if (positions.length != rows) {
            throw new IllegalArgumentException(op + ": x " + x.shapeString() + " has " + rows + " rows, but "
                    + positions.length + " positions were given");
        }
        int maxPositions = cos.dim(0);
        for (int r = 0; r < rows; r++) {
            if (positions[r] < 0 || positions[r] >= maxPositions) {
                throw new IllegalArgumentException(op + ": position " + positions[r] + " of row " + r
                        + " is outside the tables' [0, " + maxPositions + ")");
            }
        }
        int[] pos = positions.clone();
        Tensor out = Tensor.empty(be, rows, width);
        be.attention().rotary(out.storage(), x.storage(), pos, cos.storage(), sin.storage(), width, rotatedHeads,
                headDim, false);
        return Autograd.record(op, out, dout -> {
            Tensor dx = Tensor.empty(be, rows, width);
            be.attention().rotary(dx.storage(), dout.storage(), pos, cos.storage(), sin.storage(), width,
                    rotatedHeads, headDim, true);
            Autograd.accumulateFresh(x, dx);
        }, x);
    }

    /**
     * Batched convenience: q, k, v (B, T, heads*headDim), every sequence one segment; mask (B or 1,
     * T, T) or (T, T) may be null.
     */
    public static Tensor selfAttention(Tensor q, Tensor k, Tensor v, int heads, boolean causal, Tensor mask) {
        String op = "selfAttention";
        OpChecks.notNull(op, "q", q);
        OpChecks.notNull(op, "k", k);
        OpChecks.notNull(op, "v", v);
        OpChecks.rank(op, "q (B, T, heads*headDim)", q, 3);
        OpChecks.shape(op, "k (like q " + q.shapeString() + ")", k, q.shape());
        OpChecks.shape(op, "v (like q " + q.shapeString() + ")", v, q.shape());
        int b = q.dim(0);
        int t = q.dim(1);
        int c = q.dim(2);
        int[] segments = new int[b + 1];
        for (int i = 0; i <= b; i++) {
            segments[i] = i * t;
        }
        Tensor out = attention(ShapeOps.reshape(q, b * t, c), ShapeOps.reshape(k, b * t, c), ShapeOps.reshape(v, b * t, c),
                segments, heads, causal, mask);
        return ShapeOps.reshape(out, b, t, c);
    }

    /** Segments must start at 0, never decrease and end at rows; returns a private copy. */
    private static int[] checkSegments(String op, int[] segments, int rows) {
        if (segments.length < 1 || segments[0] != 0 || segments[segments.length - 1] != rows) {
            throw new IllegalArgumentException(op + ": segments " + abbreviate(segments) + " must start at 0 and end at rows = "
                    + rows);
        }
        for (int s = 1; s < segments.length; s++) {
            if (segments[s] < segments[s - 1]) {
                throw new IllegalArgumentException(op + ": segments decrease at " + s + ": " + abbreviate(segments));
            }
        }
        return segments.clone();
    }

    /** Checks a (S or 1, L, L) or (L, L) mask against equal-length segments; returns the per-segment stride. */
    private static int checkMask(String op, Tensor mask, int[] segs) {
        int numSegs = segs.length - 1;
        int len = numSegs == 0 ? 0 : segs[1] - segs[0];
        for (int s = 0; s < numSegs; s++) {
            if (segs[s + 1] - segs[s] != len) {
                throw new IllegalArgumentException(op + ": a mask needs segments of equal length, got "
                        + abbreviate(segs));
            }
        }
        boolean shared = mask.rank() == 2 || (mask.rank() == 3 && mask.dim(0) == 1);
        boolean perSegment = mask.rank() == 3 && mask.dim(0) == numSegs;
        boolean square = mask.rank() >= 2 && mask.dim(-1) == len && mask.dim(-2) == len;
        if (!(square && (shared || perSegment))) {
            throw new IllegalArgumentException(op + ": mask " + mask.shapeString() + " must be (" + numSegs + " or 1, "
                    + len + ", " + len + ") or (" + len + ", " + len + ") for " + numSegs + " segments of length " + len);
        }
        return shared ? 0 : len * len;
    }

    private static String abbreviate(int[] a) {
        return a.length <= 12 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 12)) + "... (" + a.length + ")";
    }
}
