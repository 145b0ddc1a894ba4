package org.jdna.dna.model;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.engine.nn.Module;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The E modules shared by every routed step (docs/method.md section 1). Module e is a pre-LN
 * {@link TransformerBlock} with both halves ({@code transformer}), only the attention half
 * ({@code attention}), only the MLP half ({@code mlp}), or nothing ({@code identity}).
 *
 * <p>Submodules are named by their pool index, so parameters read {@code pool.3.attn.qkv.weight};
 * identity modules own no parameters and have no entry. Every block computes its own residual,
 * M_e(h) = h + f_e(h), which is why the DNA update subtracts h again.
 */
public final class Pool extends Module {
    private final ModulePool kinds;
    private final TransformerBlock[] blocks; // null at identity modules
    /** Parameters of each module, counted once: the accountant asks every step, and counting walks names. */
    private final long[] parameterCounts;

    /** Builds the modules in index order, each drawing its weights from {@code rng}. */
    public Pool(ModulePool kinds, TransformerBlock.Options transformer, Rng rng) {
        this.kinds = kinds;
        this.blocks = new TransformerBlock[kinds.size()];
        for (int e = 0; e < kinds.size(); e++) {
            TransformerBlock.Options options = switch (kinds.kind(e)) {
                case TRANSFORMER -> transformer;
                case ATTENTION -> transformer.attentionOnly();
                case MLP -> transformer.mlpOnly();
                case IDENTITY -> null;
            };
            if (options != null) {
                blocks[e] = registerModule(Integer.toString(e), new TransformerBlock(options, rng));
            }
        }
        parameterCounts = new long[blocks.length];
        for (int e = 0; e < blocks.length; e++) {
            parameterCounts[e] = blocks[e] == null ? 0 : blocks[e].numParameters();
        }
    }

    /** E. */
    public int size() { return blocks.length; }

    /** Whether module e's attention rotates by positions (rotary), so that {@link #run} needs them. */
    public boolean usesPositions(int module) {
        TransformerBlock b = blocks[module];
        return b != null && b.hasAttention() && b.options().rotaryPositions() > 0;
    }

    public ModuleKind kind(int module) { return kinds.kind(module); }

    /** The kinds of the modules, in index order. */
    public ModulePool kinds() { return kinds; }

    /** The block of module e, or null for an identity module. */
    public TransformerBlock block(int module) {
        checkIndex("block", module);
        return blocks[module];
    }

    /** skipped[e] is true for identity modules (what {@code DispatchPlan.build} takes). */
    public boolean[] identityMask() {
        boolean[] m = new boolean[blocks.length];
        for (int e = 0; e < m.length; e++) {
            m[e] = blocks[e] == null;
        }
        return m;
    }

    /** Parameters of module e (0 for identity). */
    public long parameterCount(int module) {
        checkIndex("parameterCount", module);
        return parameterCounts[module];
    }

    /**
     * M_e(rows): rows (r, D) -> (r, D). {@code segments} are offsets into rows, one segment per sequence
     * (see {@code MultiHeadAttention}); attention is causal within a segment when {@code causal}.
     * {@code positions} are the rows' original positions in their sequences (rotary attention rotates
     * by them; null: each row's place in its segment).
     * An identity module returns its input.
     */
    public Tensor run(int module, Tensor rows, int[] segments, int[] positions, boolean causal) {
        checkIndex("run", module);
        TransformerBlock b = blocks[module];
        return b == null ? rows : b.forward(rows, segments, positions, causal, null);
    }

    private void checkIndex(String method, int module) {
        if (module < 0 || module >= blocks.length) {
            throw new IndexOutOfBoundsException("Pool." + method + ": module " + module + " is outside [0, E = "
                    + blocks.length + ")");
        }
    }
}
