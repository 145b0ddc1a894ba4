package org.jdna.dna.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.ops.ConcurrentParts;
import org.jdna.engine.ops.Indexing;
import org.jdna.engine.tensor.Tensor;

/**
 * Runs the pool on a dispatch plan: every non-identity module gets only the rows of the tokens routed
 * to it, and its attention sees only those rows, split by sequence. The plan's rows of one module are
 * in token order (a stable sort) and tokens are laid out sequence by sequence, so the rows of one
 * sequence are contiguous and in position order: a causal segment over them is causality on the
 * tokens' original positions, restricted to the tokens routed to this module at this step.
 *
 * <p>Legend: N tokens, D width, R dispatch rows (non-identity routes), T tokens per sequence.
 */
public final class PoolDispatch {
    private PoolDispatch() {
    }

    /**
     * h (N, D) -> y (R, D), the module outputs M_e(h) in dispatch order (rows of module e at
     * [plan.offset(e), plan.offset(e+1))), or null when R = 0 (every route went to an identity).
     */
    public static Tensor run(Pool pool, Tensor h, DispatchPlan plan, int seqLen, boolean causal) {
        int[] tokenOfRow = plan.tokenOfRow();
        List<Tensor> rows = new ArrayList<>(pool.size());
        List<Integer> modules = new ArrayList<>(pool.size());
        for (int e = 0; e < pool.size(); e++) {
            int count = plan.count(e);
            if (count == 0) {
                continue; // empty or identity: runs nothing
            }
            int start = plan.offset(e);
            rows.add(count == h.dim(0) && isIdentityOrder(tokenOfRow, start, count)
                    ? h
                    : Indexing.indexSelectRows(h, Arrays.copyOfRange(tokenOfRow, start, start + count))); // (r, D)
            modules.add(e);
        }
        if (rows.isEmpty()) {
            return null;
        }
        // the modules run side by side, one per thread, each module's kernels on its own thread
        return ConcurrentParts.concat(rows.toArray(Tensor[]::new), (i, x) -> {
            int e = modules.get(i);
            return pool.run(e, x, plan.segments(e, seqLen),
                    pool.usesPositions(e) ? positions(tokenOfRow, plan.offset(e), plan.count(e), seqLen) : null, causal);
        });
    }

    /** The original positions of rows [start, start + count): what rotary attention rotates them by. */
    private static int[] positions(int[] tokenOfRow, int start, int count, int seqLen) {
        int[] p = new int[count];
        for (int r = 0; r < count; r++) {
            p[r] = tokenOfRow[start + r] % seqLen;
        }
        return p;
    }

    // True when rows [start, start + count) hold tokens 0, 1, ..., count-1 (all tokens, in order): no gather needed.
    private static boolean isIdentityOrder(int[] tokenOfRow, int start, int count) {
        for (int i = 0; i < count; i++) {
            if (tokenOfRow[start + i] != i) {
                return false;
            }
        }
        return true;
    }
}
