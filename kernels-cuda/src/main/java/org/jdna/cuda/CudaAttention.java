package org.jdna.cuda;

import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.Storage;

/**
 * attention.cu: varlen multi-head attention, forward (saves lse) and backward (dq; dk and dv), and the
 * rotary position embedding of its input.
 */
final class CudaAttention extends KernelFamily implements AttentionKernels {
    /** Threads per (row, head) block: one key (or query) per thread per tile. */
    static final int BLOCK = 128;

    CudaAttention(KernelRunner runner, DeviceScratch scratch) {
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

    /** Device addresses of q, k and v (or of dq, dk and dv), whose rows are {@code ld} floats apart. */
    record Operands(long q, long k, long v, long ld) {
        /** Separate (rows, W) storages. */
        static Operands separate(Storage q, Storage k, Storage v, int width, String op) {
            return new Operands(at(q, 0, op), at(k, 0, op), at(v, 0, op), width);
        }

        /** The column blocks q | k | v of one packed (rows, 3W) storage, read and written in place. */
        static Operands packed(Storage qkv, int width, String op) {
            long base = at(qkv, 0, op);
            return new Operands(base, base + 4L * width, base + 8L * width, 3L * width);
        }
    }

    @Override
    public void forward(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads,
                        int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) {
        String op = "attention";
        launchForward(op, out, lse, Operands.separate(q, k, v, heads * headDim, op), segments, heads, headDim, causal,
                mask, maskSegmentStride, scale);
    }

    /** Without copies: the kernels read q, k and v inside qkv. */
    @Override
    public void forwardPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                              boolean causal, Storage mask, int maskSegmentStride, float scale) {
        String op = "attentionPacked";
        launchForward(op, out, lse, Operands.packed(qkv, heads * headDim, op), segments, heads, headDim, causal, mask,
                maskSegmentStride, scale);
    }

    @Override
    public void backward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k, Storage v, Storage out,
                         Storage lse, int[] segments, int heads, int headDim, boolean causal, Storage mask,
                         int maskSegmentStride, float scale) {
        String op = "attentionBackward";
        int w = heads * headDim;
        launchBackward(op, Operands.separate(dq, dk, dv, w, op), dout, Operands.separate(q, k, v, w, op), out, lse,
                segments, heads, headDim, causal, mask, maskSegmentStride, scale);
    }

    /** Without copies: dq | dk | dv are written into dqkv's column blocks. */
    @Override
    public void backwardPacked(Storage dqkv, Storage dout, Storage qkv, Storage out, Storage lse, int[] segments,
                               int heads, int headDim, boolean causal, Storage mask, int maskSegmentStride,
                               float scale) {
        String op = "attentionPackedBackward";
        int w = heads * headDim;
        launchBackward(op, Operands.packed(dqkv, w, op), dout, Operands.packed(qkv, w, op), out, lse, segments, heads,
                headDim, causal, mask, maskSegmentStride, scale);
    }

    /** One thread per element; the positions travel in a scratch buffer. */
    @Override
    public void rotary(Storage out, Storage x, int[] positions, Storage cos, Storage sin, int width, int rotatedHeads,
                       int headDim, boolean inverse) {
        String op = "rotary";
        int rows = positions.length;
        if (rows == 0 || width == 0) {
            return;
        }
        long pos = scratch.ints(DeviceScratch.Slot.INDEX_A, positions, rows);
        launch("rotary_f32", Launch.linear((long) rows * width), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(x, 0, op)).ptr(pos).ptr(at(cos, 0, op)).ptr(at(sin, 0, op))
                .i(rows).i(width).i(rotatedHeads).i(headDim).f(inverse ? -1f : 1f));
    }

    private void launchForward(String op, Storage out, Storage lse, Operands x, int[] segments, int heads, int headDim,
                               boolean causal, Storage mask, int maskSegmentStride, float scale) {
        int rows = checkSegments(op, segments, mask != null);
        if (rows == 0 || heads == 0) {
            return;
        }
        long seg = scratch.ints(DeviceScratch.Slot.INDEX_A, segments, segments.length);
        launch("attention_forward_f32", Launch.rowsByHeads(rows, heads, BLOCK, forwardShared(headDim)), KernelArgs.of()
                .ptr(at(out, 0, op)).ptr(at(lse, 0, op)).ptr(x.q()).ptr(x.k()).ptr(x.v())
                .ptr(seg).i(segments.length - 1).i(rows).i(heads).i(headDim).l(x.ld()).i(causal ? 1 : 0)
                .ptr(at(mask, op)).i(maskSegmentStride).f(scale));
    }

    private void launchBackward(String op, Operands dx, Storage dout, Operands x, Storage out, Storage lse,
                                int[] segments, int heads, int headDim, boolean causal, Storage mask,
                                int maskSegmentStride, float scale) {
        if (dx.ld() != x.ld()) {
            throw new IllegalArgumentException(op + ": gradients of row stride " + dx.ld() + " for inputs of row stride "
                    + x.ld() + " (the kernels use one)");
        }
        int rows = checkSegments(op, segments, mask != null);
        if (rows == 0 || heads == 0) {
            return;
        }
        long seg = scratch.ints(DeviceScratch.Slot.INDEX_A, segments, segments.length);
        long delta = scratch.temp(DeviceScratch.Slot.TEMP_A, 4L * heads * rows);
        launch("attention_delta_f32", Launch.rowsByHeads(rows, heads, Launch.WARP, 0), KernelArgs.of()
                .ptr(delta).ptr(at(dout, 0, op)).ptr(at(out, 0, op)).i(rows).i(heads).i(headDim));
        launch("attention_backward_dq_f32", Launch.rowsByHeads(rows, heads, BLOCK, dqShared(headDim)), KernelArgs.of()
                .ptr(dx.q()).ptr(at(dout, 0, op)).ptr(x.q()).ptr(x.k()).ptr(x.v())
                .ptr(at(lse, 0, op)).ptr(delta).ptr(seg).i(segments.length - 1).i(rows).i(heads).i(headDim).l(x.ld())
                .i(causal ? 1 : 0).ptr(at(mask, op)).i(maskSegmentStride).f(scale));
        launch("attention_backward_dkdv_f32", Launch.rowsByHeads(rows, heads, BLOCK, dkdvShared(headDim)), KernelArgs.of()
                .ptr(dx.k()).ptr(dx.v()).ptr(at(dout, 0, op)).ptr(x.q()).ptr(x.k())
                .ptr(x.v()).ptr(at(lse, 0, op)).ptr(delta).ptr(seg).i(segments.length - 1).i(rows).i(heads)
                .i(headDim).l(x.ld()).i(causal ? 1 : 0).ptr(at(mask, op)).i(maskSegmentStride).f(scale));
    }
}
