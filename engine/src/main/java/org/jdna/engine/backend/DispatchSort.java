package org.jdna.engine.backend;

import java.util.Arrays;

/**
 * Dispatch's bookkeeping: the stable counting sort of (token, slot) pairs by module, in two halves
 * that write into caller-owned arrays (no allocation), and the argument checks every backend's
 * {@link IndexingKernels#dispatch} shares so that they all refuse bad input with the same message.
 *
 * <p>Legend: K slots per token, E modules, R rows (pairs sent to a module that is not skipped).
 * A fast backend may split the sort over threads (a histogram per chunk of pairs, then each chunk
 * placed from its own cursors); the result must equal these two loops run in order.
 */
public final class DispatchSort {
    private DispatchSort() {
    }

    /**
     * Checks K, the array lengths and skipped's length; returns the pairs, tokens * K. Module
     * indices are checked by {@link #countByModule} (or a backend's own first pass).
     */
    public static int checkArguments(int[] counts, int[] offsets, int[] slotRow, int[] choices, boolean[] skipped,
                                     int tokens, int k, int experts) {
        if (k < 1 || k > experts) {
            throw new IllegalArgumentException("dispatch: K = " + k + " must be in [1, E = " + experts + "]");
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("dispatch: tokens = " + tokens + " must be >= 0");
        }
        long pairs = (long) tokens * k;
        if (pairs > choices.length || pairs > slotRow.length) {
            throw new IllegalArgumentException("dispatch: N = " + tokens + " tokens x K = " + k + " = " + pairs
                    + " pairs, but choices hold " + choices.length + " and slotRow " + slotRow.length);
        }
        if (counts.length < experts || offsets.length < experts + 1) {
            throw new IllegalArgumentException("dispatch: counts (" + counts.length + ") and offsets ("
                    + offsets.length + ") need E = " + experts + " and E + 1 entries");
        }
        if (skipped != null && skipped.length != experts) {
            throw new IllegalArgumentException("dispatch: skipped has " + skipped.length + " entries for E = " + experts);
        }
        return (int) pairs;
    }

    /** Checks that tokenOfRow and out (outLength floats) hold R rows of width floats. */
    public static void checkOutputs(int[] tokenOfRow, int outLength, int rows, int width) {
        if (tokenOfRow.length < rows || (long) rows * width > outLength) {
            throw new IllegalArgumentException("dispatch: " + rows + " rows of " + width + " floats do not fit in"
                    + " tokenOfRow (" + tokenOfRow.length + ") or out (" + outLength + " floats)");
        }
    }

    /** The error for choices[pair] = module outside [0, E). */
    public static IllegalArgumentException badModule(int module, int pair, int k, int experts) {
        return new IllegalArgumentException("dispatch: module index " + module + " of token " + (pair / k) + ", slot "
                + (pair % k) + " is outside [0, E = " + experts + ")");
    }

    /**
     * First half: counts (E) and offsets (E+1) of the first {@code pairs} choices; returns R.
     * Checks every module index before returning.
     */
    public static int countByModule(int[] choices, int pairs, int k, int experts, boolean[] skipped, int[] counts,
                                    int[] offsets) {
        Arrays.fill(counts, 0, experts, 0);
        for (int s = 0; s < pairs; s++) {
            int e = choices[s];
            if (e < 0 || e >= experts) {
                throw badModule(e, s, k, experts);
            }
            if (skipped == null || !skipped[e]) {
                counts[e]++;
            }
        }
        offsets[0] = 0;
        for (int e = 0; e < experts; e++) {
            offsets[e + 1] = offsets[e] + counts[e];
        }
        return offsets[experts];
    }

    /**
     * Second half: places pair s at the next free row of its module (stable, so a module's rows
     * stay in token order). cursor (E) is scratch; slotRow gets -1 for skipped modules.
     */
    public static void placeRows(int[] choices, int pairs, int k, boolean[] skipped, int[] offsets, int[] cursor,
                                 int[] tokenOfRow, int[] slotRow) {
        System.arraycopy(offsets, 0, cursor, 0, cursor.length);
        for (int s = 0; s < pairs; s++) {
            int e = choices[s];
            if (skipped != null && skipped[e]) {
                slotRow[s] = -1;
            } else {
                int row = cursor[e]++;
                tokenOfRow[row] = s / k;
                slotRow[s] = row;
            }
        }
    }
}
