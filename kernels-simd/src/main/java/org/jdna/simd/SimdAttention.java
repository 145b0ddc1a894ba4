package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;
import static org.jdna.engine.backend.HeapStorage.arrayOrNull;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.Storage;

/**
 * Varlen multi-head attention, forward and backward, as blocked GEMMs: for each (segment, head)
 * and each block of QB query rows, the score block S = scale * Q K^T, masked row softmax, then
 * O = P V (forward), or dV += P^T dO, dP = dO V^T, dS = P (dP - D) scale, dQ = dS K, dK += dS^T Q
 * (backward, P recomputed from the saved lse). Causal blocks only touch keys up to their last query.
 *
 * <p>Work items are (segment, head) pairs split over the pool; each writes only its own rows and
 * columns of the outputs and sums in a fixed order, so results do not depend on the thread count.
 * Score buffers are per thread and reused.
 *
 * <p>Legend: N rows, H heads, Dh head dim, W = H * Dh the row width of q, k, v, out; a segment of
 * length len starts at row start; p a query's position in it, u a key's.
 */
final class SimdAttention implements AttentionKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Query rows per block: the score block (QB, len) stays in L2 for len up to a few thousand. */
    private static final int QB = 64;

    private final Parallel parallel;
    private final SimdGemm gemm;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    SimdAttention(Parallel parallel, SimdGemm gemm) {
        this.parallel = parallel;
        this.gemm = gemm;
    }

    /** Two score-sized buffers, grown on demand. */
    private static final class Scratch {
        float[] p = new float[0];
        float[] dp = new float[0];

        void ensure(int n) {
            if (p.length < n) {
                p = new float[n];
                dp = new float[n];
            }
        }
    }

    /**
     * The call's fixed arguments. q, k, v and their gradients are read and written at row stride
     * {@code ld} from column offsets qOff, kOff, vOff: (W, 0, 0, 0) for separate arrays, (3W, 0, W, 2W)
     * for one packed qkv array (rows, 3W); out and dout always have row stride W.
     */
    private record Layout(int[] segments, int heads, int headDim, int width, int totalRows, boolean causal,
                          float[] mask, int maskSegmentStride, float scale, int ld, int qOff, int kOff, int vOff) {
        static Layout of(int[] segments, int heads, int headDim, boolean causal, float[] mask, int maskSegmentStride,
                         float scale, boolean packed) {
            int w = heads * headDim;
            return new Layout(segments, heads, headDim, w, segments[segments.length - 1], causal, mask,
                    maskSegmentStride, scale, packed ? 3 * w : w, 0, packed ? w : 0, packed ? 2 * w : 0);
        }
    }

    @Override
    public void forward(Storage outS, Storage lseS, Storage qS, Storage kS, Storage vS, int[] segments, int heads,
                        int headDim, boolean causal, Storage maskS, int maskSegmentStride, float scale) {
        float[] out = array(outS), lse = array(lseS), q = array(qS), k = array(kS), v = array(vS),
                mask = arrayOrNull(maskS);
        forward(Layout.of(segments, heads, headDim, causal, mask, maskSegmentStride, scale, false), out, lse, q, k, v);
    }

    /** Forward on a packed qkv (rows, 3W): q | k | v read in place. */
    @Override
    public void forwardPacked(Storage outS, Storage lseS, Storage qkvS, int[] segments, int heads, int headDim,
                              boolean causal, Storage maskS, int maskSegmentStride, float scale) {
        float[] out = array(outS), lse = array(lseS), qkv = array(qkvS), mask = arrayOrNull(maskS);
        forward(Layout.of(segments, heads, headDim, causal, mask, maskSegmentStride, scale, true), out, lse, qkv, qkv, qkv);
    }

    private void forward(Layout lay, float[] out, float[] lse, float[] q, float[] k, float[] v) {
        int heads = lay.heads;
        int items = (lay.segments.length - 1) * heads;
        parallel.forRange(items, 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                forwardItem(lay, item / heads, item % heads, out, lse, q, k, v);
            }
        });
    }

    private void forwardItem(Layout lay, int seg, int h, float[] out, float[] lse, float[] q, float[] k, float[] v) {
        int start = lay.segments[seg];
        int len = lay.segments[seg + 1] - start;
        int w = lay.width;
        int ld = lay.ld;
        int dh = lay.headDim;
        Scratch sc = scratch.get();
        sc.ensure(QB * len);
        float[] p = sc.p;
        int headOff = start * w + h * dh;   // in out
        int inOff = start * ld + h * dh;    // in q, k, v, before their column offsets
        for (int p0 = 0; p0 < len; p0 += QB) {
            int rows = Math.min(QB, len - p0);
            int keys = lay.causal ? p0 + rows : len;
            // P (rows, keys) = scale * Q_block K^T
            gemm.gemmSerial(false, true, rows, keys, dh, lay.scale, q, lay.qOff + inOff + p0 * ld, ld, k,
                    lay.kOff + inOff, ld, 0f, p, 0, keys);
            for (int r = 0; r < rows; r++) {
                float rowLse = softmaxRow(lay, seg, p, r * keys, p0 + r, keys, len);
                lse[h * lay.totalRows + start + p0 + r] = rowLse;
            }
            // O_block (rows, Dh) = P V
            gemm.gemmSerial(false, false, rows, dh, keys, 1f, p, 0, keys, v, lay.vOff + inOff, ld,
                    0f, out, headOff + p0 * w, w);
        }
    }

    /**
     * Masks the score row in place (causal: u > pos; mask zero) and turns it into probabilities;
     * returns the lse, or -infinity with an all-zero row when nothing may be attended.
     */
    private static float softmaxRow(Layout lay, int seg, float[] s, int base, int pos, int keys, int len) {
        applyMask(lay, seg, s, base, pos, keys, len);
        float max = VectorOps.max(s, base, keys);
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(s, base, base + keys, 0f);
            return Float.NEGATIVE_INFINITY;
        }
        float sum = VectorOps.expShifted(s, base, s, base, keys, max);
        VectorOps.scaleShift(s, base, s, base, keys, 1f / sum, 0f);
        return max + (float) Math.log(sum);
    }

    private static void applyMask(Layout lay, int seg, float[] s, int base, int pos, int keys, int len) {
        if (lay.causal) {
            java.util.Arrays.fill(s, base + Math.min(keys, pos + 1), base + keys, Float.NEGATIVE_INFINITY);
        }
        if (lay.mask != null) {
            int maskBase = seg * lay.maskSegmentStride + pos * len;
            for (int u = 0; u < keys; u++) {
                if (lay.mask[maskBase + u] == 0f) {
                    s[base + u] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    @Override
    public void backward(Storage dqS, Storage dkS, Storage dvS, Storage doutS, Storage qS, Storage kS, Storage vS,
                         Storage outS, Storage lseS, int[] segments, int heads, int headDim, boolean causal,
                         Storage maskS, int maskSegmentStride, float scale) {
        float[] dq = array(dqS), dk = array(dkS), dv = array(dvS), dout = array(doutS), q = array(qS), k = array(kS),
                v = array(vS), out = array(outS), lse = array(lseS), mask = arrayOrNull(maskS);
        Layout lay = Layout.of(segments, heads, headDim, causal, mask, maskSegmentStride, scale, false);
        int n = lay.totalRows * lay.width;
        java.util.Arrays.fill(dq, 0, n, 0f);
        java.util.Arrays.fill(dk, 0, n, 0f);
        java.util.Arrays.fill(dv, 0, n, 0f);
        backward(lay, dq, dk, dv, dout, q, k, v, out, lse);
    }

    /** Backward on a packed qkv (rows, 3W): writes dqkv in the same layout. */
    @Override
    public void backwardPacked(Storage dqkvS, Storage doutS, Storage qkvS, Storage outS, Storage lseS, int[] segments,
                               int heads, int headDim, boolean causal, Storage maskS, int maskSegmentStride,
                               float scale) {
        float[] dqkv = array(dqkvS), dout = array(doutS), qkv = array(qkvS), out = array(outS), lse = array(lseS),
                mask = arrayOrNull(maskS);
        Layout lay = Layout.of(segments, heads, headDim, causal, mask, maskSegmentStride, scale, true);
        java.util.Arrays.fill(dqkv, 0, lay.totalRows * lay.ld, 0f);
        backward(lay, dqkv, dqkv, dqkv, dout, qkv, qkv, qkv, out, lse);
    }

    private void backward(Layout lay, float[] dq, float[] dk, float[] dv, float[] dout, float[] q, float[] k, float[] v,
                          float[] out, float[] lse) {
        int heads = lay.heads;
        int items = (lay.segments.length - 1) * heads;
        parallel.forRange(items, 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                backwardItem(lay, item / heads, item % heads, dq, dk, dv, dout, q, k, v, out, lse);
            }
        });
    }

    private void backwardItem(Layout lay, int seg, int h, float[] dq, float[] dk, float[] dv, float[] dout,
                              float[] q, float[] k, float[] v, float[] out, float[] lse) {
        int start = lay.segments[seg];
        int len = lay.segments[seg + 1] - start;
        int w = lay.width;
        int ld = lay.ld;
        int dh = lay.headDim;
        Scratch sc = scratch.get();
        sc.ensure(QB * len);
        float[] p = sc.p;
        float[] ds = sc.dp;
        int headOff = start * w + h * dh;   // in out and dout
        int inOff = start * ld + h * dh;    // in q, k, v and their gradients, before the column offsets
        int qAt = lay.qOff + inOff;
        int kAt = lay.kOff + inOff;
        int vAt = lay.vOff + inOff;
        for (int p0 = 0; p0 < len; p0 += QB) {
            int rows = Math.min(QB, len - p0);
            int keys = lay.causal ? p0 + rows : len;
            int blockOff = headOff + p0 * w;
            int qBlock = qAt + p0 * ld;
            // P = exp(scale * Q K^T - lse), zero where masked or where the row attends to nothing
            gemm.gemmSerial(false, true, rows, keys, dh, lay.scale, q, qBlock, ld, k, kAt, ld, 0f, p, 0, keys);
            for (int r = 0; r < rows; r++) {
                float rowLse = lse[h * lay.totalRows + start + p0 + r];
                if (rowLse == Float.NEGATIVE_INFINITY) {
                    java.util.Arrays.fill(p, r * keys, r * keys + keys, 0f);
                    continue;
                }
                applyMask(lay, seg, p, r * keys, p0 + r, keys, len);
                VectorOps.expShifted(p, r * keys, p, r * keys, keys, rowLse);
            }
            // dV[0:keys] += P^T dO_block
            gemm.gemmSerial(true, false, keys, dh, rows, 1f, p, 0, keys, dout, blockOff, w, 1f, dv, vAt, ld);
            // dP = dO_block V^T, then dS = P (dP - D) scale with D = dO . O per row
            gemm.gemmSerial(false, true, rows, keys, dh, 1f, dout, blockOff, w, v, vAt, ld, 0f, ds, 0, keys);
            for (int r = 0; r < rows; r++) {
                float d = VectorOps.dot(dout, blockOff + r * w, out, blockOff + r * w, dh);
                scoreGradientRow(ds, p, r * keys, keys, d, lay.scale);
            }
            // dQ_block = dS K; dK[0:keys] += dS^T Q_block
            gemm.gemmSerial(false, false, rows, dh, keys, 1f, ds, 0, keys, k, kAt, ld, 0f, dq, qBlock, ld);
            gemm.gemmSerial(true, false, keys, dh, rows, 1f, ds, 0, keys, q, qBlock, ld, 1f, dk, kAt, ld);
        }
    }

    /** ds[i] = p[i] * (ds[i] - d) * scale over one row. */
    private static void scoreGradientRow(float[] ds, float[] p, int base, int n, float d, float scale) {
        int i = 0;
        if (S != null) {
            for (int up = S.loopBound(n); i < up; i += L) {
                FloatVector.fromArray(S, ds, base + i).sub(d).mul(FloatVector.fromArray(S, p, base + i)).mul(scale)
                        .intoArray(ds, base + i);
            }
        }
        for (; i < n; i++) {
            ds[base + i] = (ds[base + i] - d) * p[base + i] * scale;
        }
    }

    /**
     * The reference's formula, rows split over the pool. Plain float products (Java rounds each one,
     * as the reference does), in loops over one head's half that C2 vectorizes: with a 24-wide head
     * the composed form (gathered tables, a permutation GEMM, products and a sum) ran its 12-wide rows
     * element by element and was a tenth of a DNA step.
     */
    @Override
    public void rotary(Storage outS, Storage xS, int[] positions, Storage cosS, Storage sinS, int width,
                       int rotatedHeads, int headDim, boolean inverse) {
        float[] out = array(outS);
        float[] x = array(xS);
        float[] cos = array(cosS);
        float[] sin = array(sinS);
        int half = headDim / 2;
        int rotated = rotatedHeads * headDim;
        float sign = inverse ? -1f : 1f;
        parallel.forRange(positions.length, Math.max(1, ROTARY_GRAIN / Math.max(1, width)), (from, to) -> {
            float[] s = new float[half];
            for (int r = from; r < to; r++) {
                int row = r * width;
                int table = positions[r] * half;
                for (int i = 0; i < half; i++) {
                    s[i] = sign * sin[table + i];
                }
                for (int h = 0; h < rotatedHeads; h++) {
                    rotateHead(out, x, row + h * headDim, half, cos, table, s);
                }
                System.arraycopy(x, row + rotated, out, row + rotated, width - rotated);
            }
        });
    }

    /** Elements per task of {@link #rotary}: small enough to split a step's rows over the threads. */
    private static final int ROTARY_GRAIN = 1 << 14;

    private static void rotateHead(float[] out, float[] x, int head, int half, float[] cos, int table, float[] s) {
        for (int i = 0; i < half; i++) {
            float c = cos[table + i];
            float lo = x[head + i];
            float hi = x[head + half + i];
            out[head + i] = lo * c - hi * s[i];
            out[head + half + i] = hi * c + lo * s[i];
        }
    }
}
