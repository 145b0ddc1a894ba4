package org.jdna.dna.model;

import org.jdna.engine.nn.Embedding;
import org.jdna.engine.nn.Module;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The language input node: token embedding plus learned absolute positions (GPT-2's wte + wpe).
 * Parameters: {@code tok.weight} (V, D), {@code pos.weight} (T_max, D); without a position table
 * (T_max = 0: rotary attention carries the positions) only {@code tok.weight}.
 */
public final class TokenInput extends Module {
    private final Embedding tok;
    private final Embedding pos;

    public TokenInput(int vocab, int context, int width, Rng rng) {
        this.tok = registerModule("tok", new Embedding(vocab, width, rng));
        this.pos = context > 0 ? registerModule("pos", new Embedding(context, width, rng)) : null;
    }

    /**
     * tokens (B, T) row-major, already checked by the caller -> h (B*T, D). Position p of every
     * sequence gets row p of the position table, so any T up to the table size works.
     */
    public Tensor forward(int[] tokens, int batch, int seqLen) {
        Tensor x = tok.forward(tokens, batch, seqLen);           // (B, T, D)
        if (pos == null) {
            return x.reshape(batch * seqLen, tok.dim());
        }
        Tensor positions = pos.weight().slice(0, 0, seqLen);      // (T, D), broadcast over B
        return x.add(positions).reshape(batch * seqLen, tok.dim());
    }

    public Embedding tok() { return tok; }

    /** The learned position table, or null (rotary positions). */
    public Embedding pos() { return pos; }

    /** V. */
    public int vocab() { return tok.count(); }

    /** Longest sequence the position table covers (0 without one). */
    public int context() { return pos == null ? 0 : pos.count(); }
}
