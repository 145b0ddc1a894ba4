package org.jdna.cuda;

import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.Storage;

/** reduce.cu: middle-axis reductions and the sum of squares (deterministic, double accumulation). */
final class CudaReductions extends KernelFamily implements ReductionKernels {
    /** Blocks of the first sum-of-squares pass; fixed per n, so the summation order is too. */
    static final int MAX_PARTIALS = 1024;

    CudaReductions(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "reduce");
    }

    @Override
    public void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner) {
        if ((long) outer * inner == 0) {
            return;
        }
        long o = at(out, 0, "reduce"), px = at(x, 0, "reduce");
        if (inner == 1) {
            launch("reduce_rows_f32", Launch.rows(outer, len), KernelArgs.of().ptr(o).ptr(px).i(len).i(OpCodes.of(op)));
        } else {
            launch("reduce_strided_f32", Launch.linear((long) outer * inner), KernelArgs.of()
                    .ptr(o).ptr(px).i(outer).i(len).i(inner).i(OpCodes.of(op)));
        }
    }

    @Override
    public double sumOfSquares(Storage x, int off, int n) {
        if (n == 0) {
            return 0.0;
        }
        int blocks = Math.min(Launch.blocksFor(n, Launch.ELEMENTWISE_BLOCK), MAX_PARTIALS);
        long partial = scratch.temp(DeviceScratch.Slot.TEMP_A, 8L * blocks);
        long result = scratch.temp(DeviceScratch.Slot.RESULT, 8L);
        launch("sum_squares_partial_f64", new LaunchConfig(blocks, 1, 1, Launch.ELEMENTWISE_BLOCK, 0),
                KernelArgs.of().ptr(partial).ptr(at(x, off, "sumOfSquares")).i(n));
        launch("sum_partials_f64", new LaunchConfig(1, 1, 1, Launch.MAX_BLOCK, 0),
                KernelArgs.of().ptr(result).ptr(partial).i(blocks));
        double[] out = new double[1];
        scratch.downloadDoubles(DeviceScratch.Slot.RESULT, out, 1);
        return out[0];
    }
}
