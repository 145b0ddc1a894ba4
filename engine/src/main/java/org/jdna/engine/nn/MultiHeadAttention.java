package org.jdna.engine.nn;

import org.jdna.engine.ops.Attention;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * Multi-head self-attention with a fused qkv projection (D -> 3D, columns [q | k | v], each
 * head-major as in GPT-2's c_attn) and an output projection (D -> D, a residual projection).
 *
 * <p>The main forward works on rows and segments (flash-attention's varlen layout): rows
 * [segments[s], segments[s+1]) attend only to each other. A dense batch (B, T, D) is the special
 * case segments {0, T, 2T, ...}; DNA's routed attention passes the rows gathered for one module,
 * sorted by sequence and position, with one segment per sequence, so causality over the gathered
 * order is causality over the tokens' original positions.
 */
public final class MultiHeadAttention extends Module {
    private final int dim;
    private final int heads;
    private final Linear qkv;
    private final Linear proj;
    private final RotaryEmbedding rotary; // null: queries and keys carry no position of their own

    public MultiHeadAttention(int dim, int heads, boolean bias, Rng rng) {
        this(dim, heads, bias, 0, rng);
    }

    /** With {@code rotaryPositions} > 0, queries and keys are rotated by their positions (below that bound). */
    public MultiHeadAttention(int dim, int heads, boolean bias, int rotaryPositions, Rng rng) {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: dim " + dim + " is not divisible by heads " + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.rotary = rotaryPositions > 0
                ? new RotaryEmbedding(heads, dim / heads, rotaryPositions, RotaryEmbedding.DEFAULT_BASE) : null;
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, bias, rng));
        this.proj = registerModule("proj", new Linear(dim, dim, bias, rng).markResidualProjection());
    }

    /**
     * x (rows, D) -> (rows, D). {@code segments} are row offsets from 0 to rows; {@code mask}
     * (numSegments or 1, L, L) with all segments of length L, or null. Rotary attention takes each row's
     * position to be its place in its segment.
     */
    public Tensor forward(Tensor x, int[] segments, boolean causal, Tensor mask) {
        return forward(x, segments, null, causal, mask);
    }

    /**
     * As {@link #forward(Tensor, int[], boolean, Tensor)}, with rotary attention rotating row r by
     * {@code positions[r]} (null: its place in its segment). Attention without rotary ignores positions.
     */
    public Tensor forward(Tensor x, int[] segments, int[] positions, boolean causal, Tensor mask) {
        if (x.rank() != 2 || x.dim(1) != dim) {
            throw new IllegalArgumentException("MultiHeadAttention(D=" + dim + "): expected x (rows, " + dim
                    + "), got " + x.shapeString());
        }
        Tensor qkvOut = qkv.forward(x); // (rows, 3D): q | k | v
        if (rotary != null) {
            qkvOut = rotary.apply(qkvOut, positions != null ? positions : RotaryEmbedding.positionsInSegments(segments));
        }
        Tensor y = Attention.attentionPacked(qkvOut, segments, heads, causal, mask); // (rows, D)
        return proj.forward(y);
    }

    /** x (B, T, D) -> (B, T, D), each sequence one segment; mask (B or 1, T, T) or null. */
    public Tensor forward(Tensor x, boolean causal, Tensor mask) {
        if (x.rank() != 3 || x.dim(2) != dim) {
            throw new IllegalArgumentException("MultiHeadAttention(D=" + dim + "): expected x (B, T, " + dim
                    + "), got " + x.shapeString());
        }
        int b = x.dim(0);
        int t = x.dim(1);
        return forward(x.reshape(b * t, dim), denseSegments(b, t), causal, mask).reshape(b, t, dim);
    }

    /** {0, T, 2T, ..., B*T}: one segment per sequence of a dense batch. */
    public static int[] denseSegments(int batch, int seqLen) {
        int[] s = new int[batch + 1];
        for (int i = 0; i <= batch; i++) {
            s[i] = i * seqLen;
        }
        return s;
    }

    public Linear qkv() { return qkv; }

    public Linear proj() { return proj; }

    public int dim() { return dim; }

    public int heads() { return heads; }

    public int headDim() { return dim / heads; }

    /** The rotary embedding of queries and keys, or null. */
    public RotaryEmbedding rotary() { return rotary; }
}
