package org.jdna.cuda;

import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;

/** elementwise.cu and layout.cu: unary ops and derivatives, broadcasting binary ops, where, addScaled, copyStrided. */
final class CudaElementwise extends KernelFamily implements ElementwiseKernels {

    CudaElementwise(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "elementwise");
    }

    @Override
    public void unary(UnaryOp op, Storage out, Storage x, int n, float alpha) {
        if (n == 0) {
            return;
        }
        launch("unary_f32", Launch.linear(n), KernelArgs.of()
                .ptr(at(out, 0, "unary")).ptr(at(x, 0, "unary")).i(n).i(OpCodes.of(op)).f(alpha));
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha) {
        if (n == 0) {
            return;
        }
        launch("unary_backward_f32", Launch.linear(n), KernelArgs.of()
                .ptr(at(dx, 0, "unaryBackward")).ptr(at(dout, 0, "unaryBackward")).ptr(at(x, 0, "unaryBackward"))
                .i(n).i(OpCodes.of(op)).f(alpha));
    }

    @Override
    public void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides) {
        int n = StridedLayout.count("binary", shape);
        if (n == 0) {
            return;
        }
        long o = at(out, 0, "binary"), pa = at(a, 0, "binary"), pb = at(b, 0, "binary");
        if (StridedLayout.isContiguous(shape, aStrides) && StridedLayout.isContiguous(shape, bStrides)) {
            launch("binary_contiguous_f32", Launch.linear(n), KernelArgs.of().ptr(o).ptr(pa).ptr(pb).i(n).i(OpCodes.of(op)));
            return;
        }
        int[] meta = StridedLayout.meta(shape, aStrides, bStrides);
        long m = scratch.ints(DeviceScratch.Slot.INDEX_A, meta, meta.length);
        launch("binary_strided_f32", Launch.linear(n), KernelArgs.of()
                .ptr(o).ptr(pa).ptr(pb).ptr(m).i(shape.length).i(n).i(OpCodes.of(op)));
    }

    @Override
    public void where(Storage out, Storage mask, Storage a, Storage b, int n) {
        if (n == 0) {
            return;
        }
        launch("where_f32", Launch.linear(n), KernelArgs.of()
                .ptr(at(out, 0, "where")).ptr(at(mask, 0, "where")).ptr(at(a, 0, "where")).ptr(at(b, 0, "where")).i(n));
    }

    @Override
    public void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha) {
        if (n == 0) {
            return;
        }
        launch("add_scaled_f32", Launch.linear(n), KernelArgs.of()
                .ptr(at(y, yOff, "addScaled")).ptr(at(x, xOff, "addScaled")).i(n).f(alpha));
    }

    /**
     * dst (contiguous, shape) = the strided view of src at srcOff. When dst is src and the read span
     * meets the elements written, threads would read what others write: the span is staged in a
     * temporary first, so the result is that of a copy through a temporary (memmove semantics).
     */
    @Override
    public void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides) {
        int n = StridedLayout.count("copyStrided", shape);
        if (n == 0) {
            return;
        }
        CudaStorage d = CudaStorage.of(dst, "copyStrided");
        CudaStorage s = CudaStorage.of(src, "copyStrided");
        boolean contiguous = StridedLayout.isContiguous(shape, srcStrides);
        if (d == s && StridedLayout.readOverlapsWrite(srcOff, shape, srcStrides)) {
            if (contiguous && srcOff == 0) {
                return; // each element onto itself
            }
            long[] span = StridedLayout.readSpan(shape, srcStrides);
            long spanLength = span[1] - span[0];
            DeviceScratch.Buffer staged = scratch.buffer(DeviceScratch.Slot.TEMP_B, 4L * spanLength);
            runner.copy(staged.pointer(), s.pointer(Math.toIntExact(srcOff + span[0])), 4L * spanLength);
            if (contiguous) {
                runner.copy(d.pointer(0), staged.pointer(), 4L * n);
            } else {
                // the kernel reads src[sum i_j * strides[j]]: the staged span starts at relative offset span[0]
                launchCopyStrided(d.at(0), staged.address() - 4L * span[0], shape, srcStrides, n);
            }
            return;
        }
        if (contiguous) {
            runner.copy(d.pointer(0), s.pointer(srcOff), 4L * n);
            return;
        }
        launchCopyStrided(d.at(0), s.at(srcOff), shape, srcStrides, n);
    }

    private void launchCopyStrided(long dst, long src, int[] shape, int[] srcStrides, int n) {
        int[] meta = StridedLayout.meta(shape, srcStrides);
        long m = scratch.ints(DeviceScratch.Slot.INDEX_A, meta, meta.length);
        runner.launch("layout", "copy_strided_f32", Launch.linear(n), KernelArgs.of()
                .ptr(dst).ptr(src).ptr(m).i(shape.length).i(n));
    }
}
