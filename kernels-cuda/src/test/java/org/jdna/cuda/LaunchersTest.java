package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The launcher classes, run on the host against a {@link RecordingDevice}: what each would send to
 * the GPU. Every launch's arguments are checked against the kernel's parameters in the compiled PTX
 * (count and type), every kernel in the PTX is launched by some primitive, and the host-side fixes
 * of the backend (packed attention in place, one writer per row in combine's backward, staged
 * overlapping copies, shared memory opt-in, top-k's rejected rows) are checked where they are made.
 */
class LaunchersTest {
    private final RecordingDevice dev = new RecordingDevice();

    private final CudaElementwise elementwise = new CudaElementwise(dev.runner, dev.scratch);
    private final CudaReductions reductions = new CudaReductions(dev.runner, dev.scratch);
    private final CudaNorms normalization = new CudaNorms(dev.runner, dev.scratch);
    private final CudaIndexing indexing = new CudaIndexing(dev.runner, dev.scratch);
    private final CudaAttention attention = new CudaAttention(dev.runner, dev.scratch);
    private final CudaRouting routing = new CudaRouting(dev.runner, dev.scratch);
    private final CudaOptimizer optimizer = new CudaOptimizer(dev.runner, dev.scratch);
    private final KernelGemm gemm = new KernelGemm(dev.runner);

    /** One call of every primitive path that launches something. */
    private void callEveryPrimitive() {
        CudaStorage a = dev.storage(4096), b = dev.storage(4096), c = dev.storage(4096), d = dev.storage(4096);
        elementwise.unary(UnaryOp.GELU, a, b, 100, 0f);
        elementwise.unaryBackward(UnaryOp.POW_SCALAR, a, b, c, 100, 2f);
        elementwise.binary(BinaryOp.ADD, a, new int[] {4, 5}, b, new int[] {5, 1}, c, new int[] {5, 1});
        elementwise.binary(BinaryOp.MUL, a, new int[] {4, 5}, b, new int[] {5, 1}, c, new int[] {0, 1});
        elementwise.where(a, b, c, d, 100);
        elementwise.addScaled(a, 3, b, 5, 100, 0.5f);
        elementwise.copyStrided(a, b, 2, new int[] {5, 4}, new int[] {1, 5});
        reductions.reduce(ReduceOp.SUM, a, b, 3, 10, 1);
        reductions.reduce(ReduceOp.MAX, a, b, 3, 10, 4);
        reductions.sumOfSquares(a, 7, 1000);
        normalization.softmax(a, b, 4, 10, false);
        normalization.softmaxBackward(a, b, c, 4, 10, true);
        normalization.layerNorm(a, b, c, d, b, c, 4, 10, 1e-5f);
        normalization.layerNormBackward(a, b, c, d, a, b, c, d, 4, 10);
        normalization.rmsNorm(a, b, c, d, 4, 10, 1e-5f);
        normalization.rmsNormBackward(a, b, c, d, a, b, 4, 10);
        normalization.crossEntropy(a, b, new int[] {1, 2, -1}, 3, 10, -1);
        normalization.crossEntropyBackward(a, b, c, new int[] {1, 2, -1}, 3, 10, -1);
        indexing.indexSelectRows(a, b, new int[] {3, 1, 3}, 3, 8);
        indexing.indexAddRows(a, b, new int[] {3, 1, 3}, 3, 8);
        indexing.gather(a, b, new int[] {0, 1, 1, 0}, 2, 3, 1, 2);
        indexing.scatterAdd(a, b, new int[] {0, 1, 1, 0}, 2, 3, 1, 2);
        attention.forward(a, b, c, d, a, new int[] {0, 3, 7}, 2, 4, true, null, 0, 0.5f);
        attention.backward(a, b, c, d, a, b, c, d, a, new int[] {0, 3, 6}, 2, 4, false, b, 9, 0.5f);
        attention.forwardPacked(a, b, c, new int[] {0, 3, 7}, 2, 4, true, null, 0, 0.5f);
        attention.backwardPacked(a, b, c, d, a, new int[] {0, 3, 7}, 2, 4, true, null, 0, 0.5f);
        attention.rotary(a, b, new int[] {0, 2, 1}, c, d, 12, 2, 4, true);
        routing.topk(new int[8], a, b, c, new float[] {0, 0, 0, 0}, 4, 4, 2, true);
        routing.topkBackward(a, b, c, new int[] {0, 1, 2, 3}, 2, 4, 2, false);
        routing.combine(a, b, c, new int[] {0, -1, 1, 2}, 2, 2, 8);
        routing.combineBackward(a, b, c, d, a, new int[] {0, -1, 1, 2}, 2, 2, 8);
        optimizer.adamw(a, b, c, d, 100, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 3);
        gemm.gemm(false, true, 5, 6, 7, 1f, a, 0, 7, 35, b, 0, 7, 42, 0f, c, 0, 6, 30, 2);
    }

    @Test
    void everyLaunchMatchesItsKernelsParametersInThePtx() {
        Assumptions.assumeTrue(PtxSignatures.available(), "no PTX on the class path (built without nvcc)");
        Map<String, List<String>> ptx = PtxSignatures.all();
        callEveryPrimitive();
        List<String> problems = new ArrayList<>();
        for (RecordingDevice.Launched l : dev.launches()) {
            List<String> expected = ptx.get(l.kernel());
            if (expected == null) {
                problems.add(l.kernel() + ": no such kernel in the PTX");
                continue;
            }
            List<String> actual = l.args().values().stream().map(v -> PtxSignatures.ptxType(v.kind())).toList();
            if (!actual.equals(expected)) {
                problems.add(l.kernel() + ": launched with " + actual + ", the kernel takes " + expected);
            }
        }
        assertEquals(List.of(), problems);
        TreeSet<String> unlaunched = new TreeSet<>(ptx.keySet());
        dev.launches().forEach(l -> unlaunched.remove(l.kernel()));
        assertEquals(new TreeSet<String>(), unlaunched, "kernels in the PTX that no primitive launches");
    }

    @Test
    void packedAttentionReadsAndWritesTheColumnBlocksInPlace() {
        int rows = 7, heads = 2, headDim = 4, w = heads * headDim;
        CudaStorage out = dev.storage(rows * w), lse = dev.storage(heads * rows), qkv = dev.storage(rows * 3 * w);
        CudaStorage dout = dev.storage(rows * w), dqkv = dev.storage(rows * 3 * w);
        long before = CudaStorage.allocations();
        attention.forwardPacked(out, lse, qkv, new int[] {0, 3, 7}, heads, headDim, true, null, 0, 0.5f);
        attention.backwardPacked(dqkv, dout, qkv, out, lse, new int[] {0, 3, 7}, heads, headDim, true, null, 0,
                0.5f);
        assertEquals(before, CudaStorage.allocations(), "device storages allocated by the packed pair");
        assertEquals(List.of(), dev.events.stream().filter(RecordingDevice.Copied.class::isInstance).toList(),
                "copies made by the packed pair");

        long q = qkv.at(0), k = qkv.at(w), v = qkv.at(2 * w);
        RecordingDevice.Launched fwd = dev.only("attention_forward_f32");
        assertArrayEquals(new long[] {out.at(0), lse.at(0), q, k, v}, args(fwd, 0, 5));
        assertEquals(3L * w, fwd.arg(10), "row stride of q, k, v");

        RecordingDevice.Launched dq = dev.only("attention_backward_dq_f32");
        assertArrayEquals(new long[] {dqkv.at(0), dout.at(0), q, k, v}, args(dq, 0, 5));
        assertEquals(3L * w, dq.arg(12));
        RecordingDevice.Launched dkdv = dev.only("attention_backward_dkdv_f32");
        assertArrayEquals(new long[] {dqkv.at(w), dqkv.at(2 * w), dout.at(0), q, k, v}, args(dkdv, 0, 6));
        assertEquals(3L * w, dkdv.arg(13));
        RecordingDevice.Launched delta = dev.only("attention_delta_f32");
        assertEquals(dout.at(0), delta.arg(1), "delta reads dout and out, which stay (rows, W)");
        assertEquals(out.at(0), delta.arg(2));
    }

    @Test
    void separateAttentionUsesRowStrideW() {
        CudaStorage s = dev.storage(1000);
        attention.forward(s, s, s, s, s, new int[] {0, 5}, 3, 8, false, null, 0, 1f);
        assertEquals(24L, dev.only("attention_forward_f32").arg(10));
    }

    private static long[] args(RecordingDevice.Launched l, int from, int to) {
        long[] out = new long[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = l.arg(i);
        }
        return out;
    }

    @Test
    void attentionBeyond48KbOfSharedMemoryOptsInOncePerSize() {
        CudaStorage s = dev.storage(10);
        // dq: 4 * (3 * 4096 + 128) = 49,664 bytes of dynamic shared memory; dk/dv: 4 * (4 * 4096 + 256) = 66,560
        int headDim = 4096;
        attention.backward(s, s, s, s, s, s, s, s, s, new int[] {0, 3}, 1, headDim, true, null, 0, 1f);
        attention.backward(s, s, s, s, s, s, s, s, s, new int[] {0, 3}, 1, headDim, true, null, 0, 1f);
        List<Object> optIns = dev.events.stream().filter(RecordingDevice.SharedOptIn.class::isInstance).toList();
        assertEquals(List.of(
                new RecordingDevice.SharedOptIn("attention/attention_backward_dq_f32", CudaAttention.dqShared(headDim)),
                new RecordingDevice.SharedOptIn("attention/attention_backward_dkdv_f32", CudaAttention.dkdvShared(headDim))),
                optIns);
        assertTrue(dev.events.indexOf(optIns.get(0)) < dev.events.indexOf(dev.launches().get(1)),
                "the limit is raised before the launch that needs it");

        dev.events.clear();
        attention.forward(s, s, s, s, s, new int[] {0, 3}, 1, 64, false, null, 0, 1f);
        assertEquals(1, dev.events.size(), "a launch within 48 KB sets nothing: " + dev.events);
    }

    @Test
    void sharedMemoryOverTheDevicesLimitFailsBeforeTheLaunch() {
        dev.optInLimit = 100 * 1024;
        CudaStorage s = dev.storage(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> attention.backward(
                s, s, s, s, s, s, s, s, s, new int[] {0, 3}, 1, 9000, true, null, 0, 1f));
        assertTrue(e.getMessage().contains("the device allows 102400"), e.getMessage());
        assertEquals(List.of(), dev.launches().stream().filter(l -> !l.kernel().equals("attention_delta_f32")).toList());
    }

    @Test
    void combineBackwardWritesEachRowOfDyFromItsLastSlotOnly() {
        CudaStorage dy = dev.storage(4 * 8), dw = dev.storage(6), dout = dev.storage(3 * 8), y = dev.storage(4 * 8);
        int[] slots = {0, 2, 2, -1, 0, 3}; // rows 0 and 2 named twice
        routing.combineBackward(dy, dw, dout, y, dw, slots, 3, 2, 8);
        RecordingDevice.Launched dyLaunch = dev.only("combine_backward_dy_f32");
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.INDEX_B), dyLaunch.arg(3));
        assertArrayEquals(new int[] {-1, -1, 2, -1, 0, 3}, dev.uploads.get(DeviceScratch.Slot.INDEX_B));
        RecordingDevice.Launched dwLaunch = dev.only("combine_backward_dweights_f32");
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.INDEX_A), dwLaunch.arg(3), "dweights sees every slot");
        assertArrayEquals(slots, dev.uploads.get(DeviceScratch.Slot.INDEX_A));

        dev.events.clear();
        routing.combineBackward(dy, dw, dout, y, dw, new int[] {0, 1, 2, -1, -1, 3}, 3, 2, 8);
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.INDEX_A), dev.only("combine_backward_dy_f32").arg(3),
                "without a repeated row the slots are used as they are");
    }

    /**
     * RoutingContract.combineBackwardAndTopkBackwardRejectIndicesOutOfRange on the host: the index
     * arrays are checked before anything is uploaded or launched, so a bad index writes nothing.
     */
    @Test
    void backwardKernelsRejectBadIndicesBeforeAnyUploadOrLaunch() {
        CudaStorage dy = dev.storage(4 * 3), dw = dev.storage(4), dout = dev.storage(2 * 3), y = dev.storage(4 * 3);
        CudaStorage weights = dev.storage(2 * 2), dlogits = dev.storage(8), probs = dev.storage(8);
        List<Runnable> calls = List.of(
                () -> routing.combineBackward(dy, dw, dout, y, weights, new int[] {0, 1, 4, -1}, 2, 2, 3),
                () -> routing.combineBackward(dy, dw, dout, y, weights, new int[] {0, -3, 2, 3}, 2, 2, 3),
                () -> routing.combineBackward(dy, null, dout, y, weights, new int[] {0, 1, 2, 7}, 2, 2, 3),
                () -> routing.topkBackward(dlogits, weights, probs, new int[] {0, 1, 2, 4}, 2, 4, 2, true),
                () -> routing.topkBackward(dlogits, weights, probs, new int[] {-1, 1, 2, 3}, 2, 4, 2, false));
        String[][] named = {{"combineBackward", "4"}, {"combineBackward", "-3"}, {"combineBackward", "7"},
                {"topkBackward", "4"}, {"topkBackward", "-1"}};
        for (int i = 0; i < calls.size(); i++) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, calls.get(i)::run);
            assertTrue(e.getMessage().contains(named[i][0]) && e.getMessage().contains("= " + named[i][1] + " "),
                    "should name " + named[i][0] + " and " + named[i][1] + ": " + e.getMessage());
            assertEquals(List.of(), dev.events, "launched or copied before rejecting: " + e.getMessage());
            assertEquals(Map.of(), dev.uploads, "uploaded before rejecting: " + e.getMessage());
        }
    }

    @Test
    void copyStridedOntoItsOwnSourceGoesThroughATemporary() {
        CudaStorage s = dev.storage(40);
        // drop the first row of (5, 8) in place: reads [8, 40), writes [0, 32)
        elementwise.copyStrided(s, s, 8, new int[] {4, 8}, new int[] {8, 1});
        assertEquals(List.of(new RecordingDevice.Copied(4L * 32), new RecordingDevice.Copied(4L * 32)), dev.events);

        dev.events.clear();
        // transpose (4, 8) in place: read span [0, 32) staged, then the kernel reads the temporary
        elementwise.copyStrided(s, s, 0, new int[] {8, 4}, new int[] {1, 8});
        assertEquals(new RecordingDevice.Copied(4L * 32), dev.events.get(0));
        RecordingDevice.Launched l = dev.only("copy_strided_f32");
        assertEquals(s.at(0), l.arg(0));
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.TEMP_B), l.arg(1));

        dev.events.clear();
        // a negative stride reads below the offset: the temporary holds [off - 7, off + 1)
        elementwise.copyStrided(s, s, 7, new int[] {8}, new int[] {-1});
        assertEquals(new RecordingDevice.Copied(4L * 8), dev.events.get(0));
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.TEMP_B) + 4L * 7, dev.only("copy_strided_f32").arg(1));

        dev.events.clear();
        CudaStorage other = dev.storage(40);
        elementwise.copyStrided(other, s, 8, new int[] {4, 8}, new int[] {8, 1});
        assertEquals(List.of(new RecordingDevice.Copied(4L * 32)), dev.events, "distinct storages: one copy");
        dev.events.clear();
        elementwise.copyStrided(s, s, 32, new int[] {8}, new int[] {1});
        assertEquals(List.of(new RecordingDevice.Copied(4L * 8)), dev.events, "disjoint ranges of one storage: one copy");
    }

    @Test
    void topkReportsTheFirstRejectedRowLikeTheReference() {
        CudaStorage w = dev.storage(8), p = dev.storage(16), x = dev.storage(16);
        dev.intResults.put(DeviceScratch.Slot.RESULT, new int[] {2});
        dev.floatResults.add(new float[] {0.5f, Float.POSITIVE_INFINITY, 1f, 0f});  // row 2's logits
        dev.floatResults.add(new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN});  // its probs
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> routing.topk(new int[8], w, p, x, null, 4, 4, 2, false));
        assertEquals("topk: NaN in row 2 at expert 0 (logit 0.5, prob NaN)", e.getMessage());

        assertEquals("topk: NaN in row 1 at expert 2 (logit NaN)",
                CudaRouting.badRowMessage(1, new float[] {1, 2, Float.NaN}, new float[3], null));
        assertEquals("topk: NaN in row 0 at expert 1 (logit 2.0, prob 0.5, bias NaN)",
                CudaRouting.badRowMessage(0, new float[] {1, 2}, new float[] {0.5f, 0.5f}, new float[] {0, Float.NaN}));
        assertTrue(CudaRouting.badRowMessage(0, new float[] {1}, new float[] {1}, null).contains("kernel fault"));
    }

    @Test
    void topkHandsTheKernelTheRowsAndReadsTheIndicesBack() {
        CudaStorage w = dev.storage(8), p = dev.storage(16), x = dev.storage(16);
        dev.intResults.put(DeviceScratch.Slot.INDEX_A, new int[] {3, 1, 0, 2, 1, 1, 2, 3});
        int[] indices = new int[8];
        routing.topk(indices, w, p, x, null, 4, 4, 2, true);
        assertArrayEquals(new int[] {3, 1, 0, 2, 1, 1, 2, 3}, indices);
        RecordingDevice.Launched l = dev.only("topk_f32");
        assertEquals(0L, l.arg(4), "no bias: a null pointer");
        assertEquals(Integer.MAX_VALUE, dev.uploads.get(DeviceScratch.Slot.RESULT)[0], "no row rejected yet");
        assertEquals(RecordingDevice.slotAddress(DeviceScratch.Slot.RESULT), l.arg(9));
    }
}
