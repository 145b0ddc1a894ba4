package org.jdna.engine.backend;

/**
 * Moving rows by index: row gather and scatter-add, gather and scatter-add along an axis, and
 * dispatch (the routing's counting sort with its row gather). Conventions: {@link Backend}'s; every
 * index is checked against the storage it points into.
 *
 * <p>Legend: N tokens, K slots per token, E modules, R rows of a dispatch, W row width;
 * (O, L, I) the (outer, len, inner) view of an axis gather with J = idxLen positions.
 */
public interface IndexingKernels {

    /** Row gather: out[i, :] = src[rows[i], :] for i in [0, count); rows are width floats wide. */
    void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width);

    /**
     * Adds rows: dst[rows[i], :] += src[i, :] for i in [0, count). Deterministic: the result equals
     * adding in increasing i, whatever the thread count.
     */
    void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width);

    /**
     * Gather along the middle axis of x viewed as (outer, len, inner): out (outer, idxLen, inner),
     * out[o, j, i] = x[o, idx[(o*idxLen + j)*inner + i], i].
     */
    void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen);

    /** Backward of {@link #gather}. Adds: dx[o, idx[o,j,i], i] += dout[o, j, i], in increasing j. */
    void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen);

    /**
     * Dispatch, the counting sort and the gather in one call: sorts the (token, slot) pairs by module,
     * stably, and gathers their rows into module-contiguous groups. No capacity limit, nothing dropped.
     *
     * <pre>
     *   choices (tokens*K)  module of token t, slot j at t*K + j, in [0, E)
     *   skipped (E)         modules that take no rows (identity); null = none
     *   counts (E)          rows per module (0 for a skipped one)
     *   offsets (E+1)       module e owns rows [offsets[e], offsets[e+1])
     *   tokenOfRow (R)      the token of each row, increasing within a module
     *   slotRow (tokens*K)  the row of (t, j), or -1 when that slot chose a skipped module
     *   out (R, width)      out[r, :] = src[tokenOfRow[r], :]; src is (tokens, width)
     * </pre>
     *
     * Returns R, the rows. The result is exactly {@link DispatchPlan}'s bookkeeping followed by
     * {@link #indexSelectRows}, which is this default. A module index outside [0, E) is an
     * IllegalArgumentException naming "dispatch", the token, the slot and the value, thrown before
     * tokenOfRow, slotRow or out is written.
     */
    default int dispatch(Storage out, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow, Storage src,
                         int[] choices, boolean[] skipped, int tokens, int k, int experts, int width) {
        int pairs = DispatchSort.checkArguments(counts, offsets, slotRow, choices, skipped, tokens, k, experts);
        int rows = DispatchSort.countByModule(choices, pairs, k, experts, skipped, counts, offsets);
        DispatchSort.checkOutputs(tokenOfRow, out.length(), rows, width);
        DispatchSort.placeRows(choices, pairs, k, skipped, offsets, new int[experts], tokenOfRow, slotRow);
        indexSelectRows(out, src, tokenOfRow, rows, width);
        return rows;
    }
}
