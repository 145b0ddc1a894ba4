package org.jdna.engine.nn;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * GPT-2's pre-LN block: h + Attn(LN1(h)), then + Mlp(LN2(.)). Each half can be switched off, which
 * gives DNA's {@code attention}-only and {@code mlp}-only modules; a disabled half registers no
 * parameters. Submodule names: ln1, attn, ln2, mlp (and drop when dropout > 0).
 *
 * <p>Both halves work on rows (rows, D) with segments (see {@link MultiHeadAttention}), or on a
 * dense batch (B, T, D).
 */
public final class TransformerBlock extends Module {

    /**
     * The block's shape and switches. {@code dropout} applies to each half's output before the
     * residual add (GPT-2's resid_pdrop). {@code rotaryPositions} > 0 rotates the attention's queries
     * and keys by their positions ({@link RotaryEmbedding}, positions below that bound); 0 leaves them
     * as they are (positions come from elsewhere, e.g. learned embeddings added to the input).
     */
    public record Options(int dim, int heads, int hidden, boolean attention, boolean mlp, boolean bias,
                          float eps, float dropout, int rotaryPositions) {
        public Options {
            if (dim <= 0 || heads <= 0 || dim % heads != 0) {
                throw new IllegalArgumentException("TransformerBlock.Options: dim " + dim
                        + " must be positive and divisible by heads " + heads);
            }
            if (hidden <= 0) {
                throw new IllegalArgumentException("TransformerBlock.Options: hidden must be positive, got " + hidden);
            }
            if (!attention && !mlp) {
                throw new IllegalArgumentException("TransformerBlock.Options: at least one of attention and mlp must be on");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("TransformerBlock.Options: dropout must be in [0, 1), got " + dropout);
            }
            if (rotaryPositions < 0 || (rotaryPositions > 0 && (dim / heads) % 2 != 0)) {
                throw new IllegalArgumentException("TransformerBlock.Options: rotaryPositions must be >= 0, and rotary"
                        + " positions need an even head width, got " + rotaryPositions + " with head width " + dim / heads);
            }
        }

        /** The block without rotary positions. */
        public Options(int dim, int heads, int hidden, boolean attention, boolean mlp, boolean bias, float eps,
                       float dropout) {
            this(dim, heads, hidden, attention, mlp, bias, eps, dropout, 0);
        }

        /** GPT-2 defaults: hidden 4D, both halves, biases, eps 1e-5, no dropout. */
        public static Options gpt2(int dim, int heads) {
            return new Options(dim, heads, 4 * dim, true, true, true, LayerNorm.DEFAULT_EPS, 0f);
        }

        public Options withHidden(int h) { return new Options(dim, heads, h, attention, mlp, bias, eps, dropout, rotaryPositions); }

        public Options withBias(boolean b) { return new Options(dim, heads, hidden, attention, mlp, b, eps, dropout, rotaryPositions); }

        public Options withDropout(float p) { return new Options(dim, heads, hidden, attention, mlp, bias, eps, p, rotaryPositions); }

        public Options attentionOnly() { return new Options(dim, heads, hidden, true, false, bias, eps, dropout, rotaryPositions); }

        /** Rotary positions below {@code positions} (0: none). */
        public Options withRotary(int positions) {
            return new Options(dim, heads, hidden, attention, mlp, bias, eps, dropout, positions);
        }

        public Options mlpOnly() { return new Options(dim, heads, hidden, false, true, bias, eps, dropout, rotaryPositions); }
    }

    private final Options options;
    private final LayerNorm ln1;
    private final MultiHeadAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;
    private final Dropout drop;

    /** Weights drawn from {@code rng} in registration order; the dropout stream is seeded from it too. */
    public TransformerBlock(Options options, Rng rng) {
        this.options = options;
        int d = options.dim();
        this.ln1 = options.attention() ? registerModule("ln1", new LayerNorm(d, options.eps(), options.bias())) : null;
        this.attn = options.attention()
                ? registerModule("attn", new MultiHeadAttention(d, options.heads(), options.bias(),
                        options.rotaryPositions(), rng)) : null;
        this.ln2 = options.mlp() ? registerModule("ln2", new LayerNorm(d, options.eps(), options.bias())) : null;
        this.mlp = options.mlp() ? registerModule("mlp", new Mlp(d, options.hidden(), options.bias(), rng)) : null;
        this.drop = options.dropout() > 0
                ? registerModule("drop", new Dropout(options.dropout(), new Rng(rng.nextLong()))) : null;
    }

    /** h (rows, D) -> (rows, D): the enabled halves in order; each row at its place in its segment. */
    public Tensor forward(Tensor h, int[] segments, boolean causal, Tensor mask) {
        return forward(h, segments, null, causal, mask);
    }

    /**
     * h (rows, D) -> (rows, D): the enabled halves in order. {@code positions} (one per row, or null
     * for each row's place in its segment) are what rotary attention rotates by.
     */
    public Tensor forward(Tensor h, int[] segments, int[] positions, boolean causal, Tensor mask) {
        Tensor x = h;
        if (attn != null) {
            x = attentionHalf(x, segments, positions, causal, mask);
        }
        if (mlp != null) {
            x = mlpHalf(x);
        }
        return x;
    }

    /** h (B, T, D) -> (B, T, D), each sequence one segment; mask (B or 1, T, T) or null. */
    public Tensor forward(Tensor h, boolean causal, Tensor mask) {
        if (h.rank() != 3 || h.dim(2) != options.dim()) {
            throw new IllegalArgumentException("TransformerBlock(D=" + options.dim() + "): expected h (B, T, "
                    + options.dim() + "), got " + h.shapeString());
        }
        int b = h.dim(0);
        int t = h.dim(1);
        Tensor rows = h.reshape(b * t, options.dim());
        return forward(rows, MultiHeadAttention.denseSegments(b, t), causal, mask).reshape(b, t, options.dim());
    }

    /** h + Attn(LN1(h)) for h (rows, D), each row at its place in its segment. */
    public Tensor attentionHalf(Tensor h, int[] segments, boolean causal, Tensor mask) {
        return attentionHalf(h, segments, null, causal, mask);
    }

    /** h + Attn(LN1(h)) for h (rows, D); {@code positions} as in {@link #forward(Tensor, int[], int[], boolean, Tensor)}. */
    public Tensor attentionHalf(Tensor h, int[] segments, int[] positions, boolean causal, Tensor mask) {
        if (attn == null) {
            throw new IllegalStateException("TransformerBlock.attentionHalf: this block was built without attention");
        }
        return h.add(dropout(attn.forward(ln1.forward(h), segments, positions, causal, mask)));
    }

    /** h + Mlp(LN2(h)) for h (..., D). */
    public Tensor mlpHalf(Tensor h) {
        if (mlp == null) {
            throw new IllegalStateException("TransformerBlock.mlpHalf: this block was built without the MLP");
        }
        return h.add(dropout(mlp.forward(ln2.forward(h))));
    }

    private Tensor dropout(Tensor x) {
        return drop == null ? x : drop.forward(x);
    }

    public Options options() { return options; }

    public boolean hasAttention() { return attn != null; }

    public boolean hasMlp() { return mlp != null; }

    /** Null when attention is off. */
    public LayerNorm ln1() { return ln1; }

    /** Null when attention is off. */
    public MultiHeadAttention attn() { return attn; }

    /** Null when the MLP is off. */
    public LayerNorm ln2() { return ln2; }

    /** Null when the MLP is off. */
    public Mlp mlp() { return mlp; }
}
