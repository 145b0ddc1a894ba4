package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.DispatchSort;
import org.jdna.engine.backend.Storage;

/**
 * dispatch's bookkeeping with buffers kept between calls: the stable counting sort of engine's
 * {@link DispatchSort} (which also builds the model's immutable DispatchPlan) run into arrays
 * allocated once for the largest batch, so {@link #build} and {@link #dispatch} (the sort and the
 * gather in one backend call) allocate nothing in steady state.
 *
 * <p>After {@code build(indices, tokens)} with indices (tokens, K) of modules in [0, E):
 * <ul>
 *   <li>module e owns dispatch rows [offsets[e], offsets[e+1]) (counts[e] of them; 0 is fine);</li>
 *   <li>{@code sourceRows[r]} is the token of dispatch row r (the rows to gather), and within one
 *       module the tokens are increasing, so a sequence's tokens keep their original order;</li>
 *   <li>{@code slotRows[t*K + j]} is the dispatch row of token t's j-th choice (combine's input).</li>
 * </ul>
 * No capacity limit and no dropped token: the buffer has exactly tokens*K rows.
 */
public final class ReusableDispatchPlan {
    private final int experts;
    private final int k;
    private final int[] counts;
    private final int[] offsets;
    private final int[] cursor;
    private final int[] sourceRows;
    private final int[] slotRows;
    private int tokens;

    public ReusableDispatchPlan(int maxTokens, int experts, int k) {
        if (maxTokens < 0 || experts < 1 || k < 1 || k > experts) {
            throw new IllegalArgumentException("dispatch: need maxTokens >= 0, E >= 1, 1 <= K <= E; got maxTokens="
                    + maxTokens + ", E=" + experts + ", K=" + k);
        }
        this.experts = experts;
        this.k = k;
        this.counts = new int[experts];
        this.offsets = new int[experts + 1];
        this.cursor = new int[experts];
        this.sourceRows = new int[maxTokens * k];
        this.slotRows = new int[maxTokens * k];
    }

    /** Sorts the pairs of indices (tokens, K) by module. */
    public void build(int[] indices, int tokens) {
        int pairs = checkCapacity(indices, tokens);
        // the counting sort lives once, in engine's DispatchSort; this class only keeps the buffers
        DispatchSort.countByModule(indices, pairs, k, experts, null, counts, offsets);
        DispatchSort.placeRows(indices, pairs, k, null, offsets, cursor, sourceRows, slotRows);
        this.tokens = tokens;
    }

    /**
     * Sorts and gathers in one backend call: out (tokens*K, width) = src[sourceRows] with src
     * (tokens, width). The same plan as {@link #build}, plus the gathered rows.
     */
    public void dispatch(Backend backend, Storage out, Storage src, int[] indices, int tokens, int width) {
        checkCapacity(indices, tokens);
        backend.indexing().dispatch(out, counts, offsets, sourceRows, slotRows, src, indices, null, tokens, k, experts,
                width);
        this.tokens = tokens;
    }

    private int checkCapacity(int[] indices, int tokens) {
        if (tokens < 0 || tokens * k > sourceRows.length || indices.length < tokens * k) {
            throw new IllegalArgumentException("dispatch: " + tokens + " tokens x K=" + k + " do not fit (capacity "
                    + sourceRows.length + " pairs, indices hold " + indices.length + ")");
        }
        return tokens * k;
    }

    /**
     * Fills {@code segments} (length E*B + 1) with the boundaries of the (module, sequence) groups of
     * the dispatch rows, module-major: segment e*B + b holds the tokens of sequence b routed to
     * module e, in position order (possibly none). This is routed attention's varlen layout.
     * Tokens are laid out as B sequences of seqLen.
     */
    public void sequenceSegments(int[] segments, int batch, int seqLen) {
        if (segments.length != experts * batch + 1 || batch * seqLen != tokens) {
            throw new IllegalArgumentException("dispatch: segments need length E*B+1 = " + (experts * batch + 1)
                    + " and B*T = tokens " + tokens + "; got length " + segments.length + ", B=" + batch + ", T=" + seqLen);
        }
        for (int e = 0; e < experts; e++) {
            int row = offsets[e];
            for (int b = 0; b < batch; b++) {
                segments[e * batch + b] = row;
                int end = (b + 1) * seqLen;
                while (row < offsets[e + 1] && sourceRows[row] < end) {
                    row++;
                }
            }
        }
        segments[experts * batch] = offsets[experts];
    }

    public int experts() { return experts; }
    public int k() { return k; }
    public int tokens() { return tokens; }
    /** Rows of the dispatch buffer in use: tokens * K. */
    public int rows() { return tokens * k; }
    public int count(int module) { return counts[module]; }
    public int offset(int module) { return offsets[module]; }
    /** The token of each dispatch row; valid up to {@link #rows()}. Not a copy. */
    public int[] sourceRows() { return sourceRows; }
    /** The dispatch row of each (token, slot); valid up to {@link #rows()}. Not a copy. */
    public int[] slotRows() { return slotRows; }
}
