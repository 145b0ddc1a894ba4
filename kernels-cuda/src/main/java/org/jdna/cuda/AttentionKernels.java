package org.jdna.cuda;

import org.jdna.engine.backend.Storage;

/** attention.cu: varlen multi-head attention, forward (saves lse) and backward (dq; dk and dv). */
final class AttentionKernels extends KernelFamily {
    /** Threads per (row, head) block: one key (or query) per thread per tile. */
    static final int BLOCK = 128;

    AttentionKernels(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "attention");
    }

    /** Checks segments (non-decreasing from 0) and returns the row count, segments[last]. */
    static int checkSegments(String op, int[] segments, boolean masked) {
        if (segments.length < 1 || segments[0] != 0) {
            throw new IllegalArgumentException(op + ": segments must start at 0, got "
                    + (segments.length == 0 ? "an empty array" : "segments[0] = " + segments[0]));
        }
        int length = -1;
        for (int s = 1; s < segments.length; s++) {
            int l = segments[s] - segments[s - 1];
            if (l < 0) {
                throw new IllegalArgumentException(op + ": segments decrease at " + s + ": " + segments[s - 1] + " > " + segments[s]);
            }
            if (masked && length >= 0 && l != length) {
                throw new IllegalArgumentException(op + ": with a mask every segment must have the same length, segment "
                        + (s - 1) + " has " + l + ", the first " + length);
            }
            length = l;
        }
        return segments[segments.length - 1];
    }

    /** Dynamic shared memory in bytes of each kernel (floats: see attention.cu). */
    static int forwardShared(int headDim) {
        return 4 * (2 * headDim + BLOCK);
    }

    static int dqShared(int headDim) {
        return 4 * (3 * headDim + BLOCK);
    }

    static int dkdvShared(int headDim) {
        return 4 * (4 * headDim + 2 * BLOCK);
    }

    void attention(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads, int headDim,
                   boolean causal, Storage mask, int maskSegmentStride, float scale) {
        String op = "attention";
        int rows = checkSegments(op, segments, mask != null);
        if (rows == 0 || heads == 0) {
            return;
        }
        long seg = scratch.ints(DeviceScratch.Slot.INDEX_A, segments, segments.length);
        launch("attention_forward_f32", Launch.rowsByHeads(rows, heads, BLOCK, forwardShared(headDim)), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(lse, 0, op)).ptr(at(q, 0, op)).ptr(at(k, 0, op)).ptr(at(v, 0, op))
                .ptr(seg).i(segments.length - 1).i(rows).i(heads).i(headDim).i(causal ? 1 : 0)
                .ptr(at(mask, op)).i(maskSegmentStride).f(scale));
    }

    void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k, Storage v,
                           Storage out, Storage lse, int[] segments, int heads, int headDim, boolean causal,
                           Storage mask, int maskSegmentStride, float scale) {
        String op = "attentionBackward";
        int rows = checkSegments(op, segments, mask != null);
        if (rows == 0 || heads == 0) {
            return;
        }
        long seg = scratch.ints(DeviceScratch.Slot.INDEX_A, segments, segments.length);
        long delta = scratch.temp(DeviceScratch.Slot.TEMP_A, 4L * heads * rows);
        launch("attention_delta_f32", Launch.rowsByHeads(rows, heads, Launch.WARP, 0), KernelArgs.of()
                .ptr(delta).ptr(at(dout, 0, op)).ptr(at(out, 0, op)).i(rows).i(heads).i(headDim));
        launch("attention_backward_dq_f32", Launch.rowsByHeads(rows, heads, BLOCK, dqShared(headDim)), KernelArgs.of()
                .ptr(at(dq, 0, op)).ptr(at(dout, 0, op)).ptr(at(q, 0, op)).ptr(at(k, 0, op)).ptr(at(v, 0, op))
                .ptr(at(lse, 0, op)).ptr(delta).ptr(seg).i(segments.length - 1).i(rows).i(heads).i(headDim)
                .i(causal ? 1 : 0).ptr(at(mask, op)).i(maskSegmentStride).f(scale));
        launch("attention_backward_dkdv_f32", Launch.rowsByHeads(rows, heads, BLOCK, dkdvShared(headDim)), KernelArgs.of()
                .ptr(at(dk, 0, op)).ptr(at(dv, 0, op)).ptr(at(dout, 0, op)).ptr(at(q, 0, op)).ptr(at(k, 0, op))
                .ptr(at(v, 0, op)).ptr(at(lse, 0, op)).ptr(delta).ptr(seg).i(segments.length - 1).i(rows).i(heads)
                .i(headDim).i(causal ? 1 : 0).ptr(at(mask, op)).i(maskSegmentStride).f(scale));
    }
}
