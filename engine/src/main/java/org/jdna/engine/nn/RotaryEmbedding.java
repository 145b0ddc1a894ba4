package org.jdna.engine.nn;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.ops.ShapeOps;
import org.jdna.engine.tensor.Tensor;

/**
 * Rotary position embedding (RoPE, the GPT-NeoX "rotate half" layout): within each head of width hd,
 * the pairs (x[i], x[i + hd/2]) of a query or key at position p are rotated by the angle
 * p * base^(-2i/hd), so that a query-key score depends on the two positions only through their
 * difference. It has no parameters. Positions are given per row, so rows gathered from anywhere in a
 * sequence (a DNA module's routed tokens) rotate by their original positions, not their order in the
 * gather (docs/method.md, "Positions").
 *
 * <p>The rotation is written with the engine's differentiable ops (the tape supplies the backward,
 * a rotation by the opposite angle): x * [cos, cos] + [x2, x1] * [-sin, sin] per head. The angle
 * tables are computed once on the host; each call gathers the rows' entries and uploads them.
 */
public final class RotaryEmbedding {
    /** The usual base of the angle frequencies. */
    public static final double DEFAULT_BASE = 10_000.0;

    private final int headDim;
    private final int maxPositions;
    private final float[] cos;       // (maxPositions, headDim): [cos, cos] per position
    private final float[] sinSigned; // (maxPositions, headDim): [-sin, sin] per position

    /** Angles for positions [0, maxPositions) of heads {@code headDim} wide (even). */
    public RotaryEmbedding(int headDim, int maxPositions, double base) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RotaryEmbedding: head width must be positive and even, got " + headDim);
        }
        if (maxPositions <= 0 || !(base > 1)) {
            throw new IllegalArgumentException("RotaryEmbedding: positions must be positive and base > 1, got "
                    + maxPositions + " and " + base);
        }
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        int half = headDim / 2;
        this.cos = new float[maxPositions * headDim];
        this.sinSigned = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(base, -2.0 * i / headDim);
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int row = p * headDim;
                cos[row + i] = c;
                cos[row + half + i] = c;
                sinSigned[row + i] = -s;
                sinSigned[row + half + i] = s;
            }
        }
    }

    /**
     * x (rows, heads, hd) -> the same shape, row r rotated by {@code positions[r]}; differentiable in x.
     */
    public Tensor apply(Tensor x, int[] positions) {
        if (x.rank() != 3 || x.dim(2) != headDim) {
            throw new IllegalArgumentException("RotaryEmbedding(hd=" + headDim + "): expected x (rows, heads, "
                    + headDim + "), got " + x.shapeString());
        }
        int rows = x.dim(0);
        if (positions == null || positions.length != rows) {
            throw new IllegalArgumentException("RotaryEmbedding: " + rows + " rows need as many positions, got "
                    + (positions == null ? "none" : String.valueOf(positions.length)));
        }
        float[] c = new float[rows * headDim];
        float[] s = new float[rows * headDim];
        for (int r = 0; r < rows; r++) {
            int p = positions[r];
            if (p < 0 || p >= maxPositions) {
                throw new IllegalArgumentException("RotaryEmbedding: position " + p + " of row " + r
                        + " is outside [0, " + maxPositions + ")");
            }
            System.arraycopy(cos, p * headDim, c, r * headDim, headDim);
            System.arraycopy(sinSigned, p * headDim, s, r * headDim, headDim);
        }
        Backend be = x.backend();
        Tensor cosT = Tensor.of(be, c, rows, 1, headDim);   // broadcast over heads
        Tensor sinT = Tensor.of(be, s, rows, 1, headDim);
        int half = headDim / 2;
        Tensor swapped = ShapeOps.concat(2, x.slice(2, half, headDim), x.slice(2, 0, half)); // [x2, x1]
        return x.mul(cosT).add(swapped.mul(sinT));
    }

    /**
     * qkv (rows, 3D) with columns [q | k | v], each head-major -> the same with q and k rotated by the
     * rows' positions and v unchanged.
     */
    public Tensor applyToQueriesAndKeys(Tensor qkv, int heads, int[] positions) {
        int rows = qkv.dim(0);
        int d = heads * headDim;
        if (qkv.rank() != 2 || qkv.dim(1) != 3 * d) {
            throw new IllegalArgumentException("RotaryEmbedding: expected qkv (rows, " + 3 * d + "), got "
                    + qkv.shapeString());
        }
        Tensor qk = qkv.slice(1, 0, 2 * d).reshape(rows, 2 * heads, headDim); // q and k heads side by side
        Tensor rotated = apply(qk, positions).reshape(rows, 2 * d);
        return ShapeOps.concat(1, rotated, qkv.slice(1, 2 * d, 3 * d));
    }

    /** Positions 0, 1, ... within each segment (rows [segments[s], segments[s+1]) of one sequence in order). */
    public static int[] positionsInSegments(int[] segments) {
        int rows = segments[segments.length - 1];
        int[] p = new int[rows];
        for (int s = 0; s + 1 < segments.length; s++) {
            for (int r = segments[s]; r < segments[s + 1]; r++) {
                p[r] = r - segments[s];
            }
        }
        return p;
    }

    public int headDim() { return headDim; }

    public int maxPositions() { return maxPositions; }
}
