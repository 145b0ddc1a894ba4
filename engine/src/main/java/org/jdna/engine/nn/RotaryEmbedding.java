package org.jdna.engine.nn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.ops.Attention;
import org.jdna.engine.tensor.Tensor;

/**
 * Rotary position embedding (RoPE, the GPT-NeoX "rotate half" layout) of a packed attention input:
 * within each query and key head of width hd, the pairs (x[i], x[i + hd/2]) of a row at position p
 * are rotated by the angle p * base^(-2i/hd), so that a query-key score depends on the two positions
 * only through their difference; values pass unchanged. It has no parameters. Positions are given per
 * row, so rows gathered from anywhere in a sequence (a DNA module's routed tokens) rotate by their
 * original positions, not by their order in the gather (docs/method.md, "Positions").
 *
 * <p>On qkv (rows, 3D), columns [q | k | v], each head-major, it is one fused op
 * ({@link Attention#rotary}: a pass over the rows reading the angle tables cos and sin
 * (T_max, hd/2) at each row's position) whose backward is the rotation by the opposite angle. The
 * tables are made once per backend and outlive every memory scope.
 */
public final class RotaryEmbedding {
    /** The usual base of the angle frequencies. */
    public static final double DEFAULT_BASE = 10_000.0;

    private final int heads;
    private final int headDim;
    private final int maxPositions;
    private final double base;
    private final Map<Backend, Tables> tables = new ConcurrentHashMap<>();

    /** cos and sin (T_max, hd/2) of the angles p * base^(-2i/hd). */
    private record Tables(Tensor cos, Tensor sin) {}

    /** Angles for positions [0, maxPositions) of {@code heads} query and key heads {@code headDim} wide (even). */
    public RotaryEmbedding(int heads, int headDim, int maxPositions, double base) {
        if (heads <= 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RotaryEmbedding: heads must be positive and the head width positive"
                    + " and even, got " + heads + " heads of " + headDim);
        }
        if (maxPositions <= 0 || !(base > 1)) {
            throw new IllegalArgumentException("RotaryEmbedding: positions must be positive and base > 1, got "
                    + maxPositions + " and " + base);
        }
        this.heads = heads;
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        this.base = base;
    }

    /**
     * qkv (rows, 3D) -> the same shape, with the query and key heads of row r rotated by
     * {@code positions[r]} and the values unchanged; differentiable in qkv. The op checks the positions
     * (one per row, each within the tables).
     */
    public Tensor apply(Tensor qkv, int[] positions) {
        int width = 3 * heads * headDim;
        if (qkv.rank() != 2 || qkv.dim(1) != width) {
            throw new IllegalArgumentException("RotaryEmbedding(" + heads + " heads of " + headDim + "): expected qkv"
                    + " (rows, " + width + "), got " + qkv.shapeString());
        }
        Tables t = tables.computeIfAbsent(qkv.backend(), this::makeTables);
        return Attention.rotary(qkv, positions, t.cos(), t.sin(), 2 * heads, headDim);   // the query and key heads
    }

    private Tables makeTables(Backend backend) {
        int half = headDim / 2;
        float[] cos = new float[maxPositions * half];
        float[] sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(base, -2.0 * i / headDim);
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        try (MemoryScope.Region kept = MemoryScope.persistent()) {
            return new Tables(Tensor.of(backend, cos, maxPositions, half), Tensor.of(backend, sin, maxPositions, half));
        }
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

    public int heads() { return heads; }

    public int headDim() { return headDim; }

    public int maxPositions() { return maxPositions; }
}
