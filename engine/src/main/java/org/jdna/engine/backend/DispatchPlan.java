package org.jdna.engine.backend;

import java.util.Arrays;

/**
 * Where every (token, slot) pair goes: a stable counting sort of the top-k choices by module. The plan
 * and its sort ({@link DispatchSort}) live here, beside the {@link IndexingKernels#dispatch} primitive that
 * follows them: all of dispatch's bookkeeping in one place.
 *
 * <p>Legend: N tokens, K slots per token, E modules, R dispatched rows (pairs sent to a
 * non-skipped module; R = N*K when no module is skipped).
 *
 * <pre>
 *   choices (N*K)   module of token t, slot j at t*K + j
 *   counts (E)      rows per module (0 for skipped modules)
 *   offsets (E+1)   module e owns dispatch rows [offsets[e], offsets[e+1])
 *   tokenOfRow (R)  which token each dispatch row holds (ascending within a module)
 *   slotRow (N*K)   the dispatch row of (t, j), or -1 when that slot chose a skipped module
 * </pre>
 *
 * Because the sort is stable and slots are visited in token order, the rows of a module are in
 * increasing token order; with tokens laid out sequence by sequence, the rows of one sequence are
 * contiguous and in position order, which is what routed causal attention needs.
 * No capacity limit: no token is ever dropped; empty modules are fine.
 */
public final class DispatchPlan {
    private final int tokens;
    private final int k;
    private final int modules;
    private final int[] counts;
    private final int[] offsets;
    private final int[] tokenOfRow;
    private final int[] slotRow;

    private DispatchPlan(int tokens, int k, int modules, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow) {
        this.tokens = tokens;
        this.k = k;
        this.modules = modules;
        this.counts = counts;
        this.offsets = offsets;
        this.tokenOfRow = tokenOfRow;
        this.slotRow = slotRow;
    }

    /**
     * Builds the plan. {@code skipped[e]} marks modules that run nothing (identity): their slots
     * get slotRow -1 and no dispatch row. skipped may be null.
     */
    public static DispatchPlan build(int[] choices, int tokens, int k, int modules, boolean[] skipped) {
        if (k < 1 || k > modules) {
            throw new IllegalArgumentException("dispatch: K = " + k + " must be in [1, E = " + modules + "]");
        }
        if (choices.length != tokens * k) {
            throw new IllegalArgumentException("dispatch: " + choices.length + " choices for N = " + tokens
                    + " tokens x K = " + k + " slots (expected " + tokens * k + ")");
        }
        if (skipped != null && skipped.length != modules) {
            throw new IllegalArgumentException("dispatch: skipped has " + skipped.length + " entries for E = " + modules);
        }
        int[] counts = new int[modules];
        int[] offsets = new int[modules + 1];
        // the sort itself lives once, in DispatchSort (every backend's dispatch runs the same)
        int rows = DispatchSort.countByModule(choices, choices.length, k, modules, skipped, counts, offsets);
        int[] tokenOfRow = new int[rows];
        int[] slotRow = new int[choices.length];
        DispatchSort.placeRows(choices, choices.length, k, skipped, offsets, new int[modules], tokenOfRow, slotRow);
        return new DispatchPlan(tokens, k, modules, counts, offsets, tokenOfRow, slotRow);
    }

    public int tokens() { return tokens; }
    public int k() { return k; }
    public int modules() { return modules; }
    /** Number of dispatch rows R. */
    public int rows() { return offsets[modules]; }
    public int count(int module) { return counts[module]; }
    public int offset(int module) { return offsets[module]; }
    /** Shared arrays (do not modify): see the class comment. */
    public int[] tokenOfRow() { return tokenOfRow; }
    public int[] slotRow() { return slotRow; }
    public int[] offsets() { return offsets; }

    /**
     * Attention segments of module e's rows when tokens are laid out as sequences of length
     * {@code seqLen}: offsets relative to the module's first row, one segment per sequence present.
     */
    public int[] segments(int module, int seqLen) {
        int start = offsets[module];
        int end = offsets[module + 1];
        int[] seg = new int[end - start + 1];
        int n = 0;
        int previous = -1;
        for (int r = start; r < end; r++) {
            int sequence = tokenOfRow[r] / seqLen;
            if (sequence != previous) {
                seg[n++] = r - start;
                previous = sequence;
            }
        }
        seg[n++] = end - start;
        return Arrays.copyOf(seg, n);
    }
}
