package org.jdna.engine.backend.contract;

import java.util.Arrays;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The SPI's determinism promise ({@link Backend}: "reductions and scatter-adds are deterministic
 * (same bits every run)", and combine, indexAddRows and scatterAdd say so again): every primitive
 * that reduces or accumulates runs repeatedly, and once on one thread, through
 * {@link #checkSameBits}, and must give the same bits each time. The sizes are large enough for a
 * threaded backend to split each call (the SIMD backend's grains are 2^13 to 2^14 floats per chunk),
 * and the adds have many duplicate targets, where an atomic add would make the order vary.
 *
 * <p>Elementwise primitives and copies compute each output from its own inputs alone and are not
 * repeated here; their values are held to the reference by the other links.
 *
 * <p>Legend: R rows, C columns, (O, L, I) reduction or gather view, E experts, K top-k, T tokens, W width.
 */
public abstract class DeterminismContract extends AttentionContract {

    @Test
    void reductionsGiveTheSameBitsEveryRun() {
        // rows split, columns split (one output row), and the general case
        int[][] views = {{32, 513, 1}, {1, 130, 200}, {12, 50, 33}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] v : views) {
                float[] x = normal(rng("sameBits reduce" + op + v[0] + v[1] + v[2]), v[0] * v[1] * v[2], 1);
                checkSameBits("reduce " + op + " (outer, len, inner) = (" + v[0] + ", " + v[1] + ", " + v[2] + ")",
                        d -> {
                            Storage out = d.garbage(v[0] * v[2]);
                            d.backend().reductions().reduce(op, out, d.upload(x), v[0], v[1], v[2]);
                            return d.results(out);
                        });
            }
        }
    }

    @Test
    void sumOfSquaresGivesTheSameBitsEveryRun() {
        int n = 40_003;
        float[] x = normal(rng("sameBits sumOfSquares"), n, 1);
        Backend b = backend();
        long first = sumOfSquaresBits(b, x);
        for (int run = 1; run <= 2; run++) {
            assertSameDouble("sumOfSquares run " + run, first, sumOfSquaresBits(b, x));
        }
        long[] alone = new long[1];
        b.forEachTask(2, task -> {
            if (task == 0) {
                alone[0] = sumOfSquaresBits(b, x);
            }
        });
        assertSameDouble("sumOfSquares on one thread", first, alone[0]);
    }

    private static long sumOfSquaresBits(Backend backend, float[] x) {
        try (Device d = new Device(backend)) {
            return Double.doubleToLongBits(backend.reductions().sumOfSquares(d.upload(x), 1, x.length - 1));
        }
    }

    private void assertSameDouble(String what, long expected, long actual) {
        if (expected != actual) {
            throw new AssertionFailedError(what + " [" + backend().name() + "]: " + Double.longBitsToDouble(actual)
                    + ", first run " + Double.longBitsToDouble(expected));
        }
    }

    @Test
    void gemmGivesTheSameBitsEveryRun() {
        Rng rng = rng("sameBits gemm");
        int m = 130;
        int n = 40;
        int k = 48;
        float[] a = normal(rng, m * k, 1);
        float[] b = normal(rng, k * n, 1);
        float[] c = normal(rng, m * n, 1);
        for (boolean transA : new boolean[]{false, true}) {
            for (boolean transB : new boolean[]{false, true}) {
                checkSameBits("gemm transA=" + transA + " transB=" + transB, d -> {
                    Storage cs = d.upload(c);
                    d.backend().matmul().gemm(transA, transB, m, n, k, 1.5f, d.upload(a), 0, transA ? m : k, 0,
                            d.upload(b), 0, transB ? k : n, 0, 0.5f, cs, 0, n, 0, 1);
                    return d.results(cs);
                });
            }
        }
    }

    @Test
    void softmaxNormsAndLossesGiveTheSameBitsEveryRun() {
        int rows = 72;
        int cols = 257;
        Rng rng = rng("sameBits norms");
        float[] x = normal(rng, rows * cols, 2);
        float[] dout = normal(rng, rows * cols, 1);
        float[] w = normal(rng, cols, 1);
        float[] bias = normal(rng, cols, 1);
        float[] dlosses = normal(rng, rows, 1);
        int[] targets = indices(rng, rows, cols);
        targets[7] = -100;
        for (boolean log : new boolean[]{false, true}) {
            checkSameBits("softmax and softmaxBackward log=" + log, d -> {
                Storage out = d.garbage(rows * cols);
                Storage dx = d.garbage(rows * cols);
                d.backend().norms().softmax(out, d.upload(x), rows, cols, log);
                d.backend().norms().softmaxBackward(dx, d.upload(dout), out, rows, cols, log);
                return d.results(out, dx);
            });
        }
        checkSameBits("layerNorm and layerNormBackward (dw, db sum over rows)", d -> {
            Storage xs = d.upload(x);
            Storage ws = d.upload(w);
            Storage out = d.garbage(rows * cols);
            Storage mean = d.garbage(rows);
            Storage rstd = d.garbage(rows);
            d.backend().norms().layerNorm(out, mean, rstd, xs, ws, d.upload(bias), rows, cols, 1e-5f);
            Storage dx = d.garbage(rows * cols);
            Storage dw = d.garbage(cols);
            Storage db = d.garbage(cols);
            d.backend().norms().layerNormBackward(dx, dw, db, d.upload(dout), xs, ws, mean, rstd, rows, cols);
            return d.results(out, mean, rstd, dx, dw, db);
        });
        checkSameBits("rmsNorm and rmsNormBackward (dw sums over rows)", d -> {
            Storage xs = d.upload(x);
            Storage ws = d.upload(w);
            Storage out = d.garbage(rows * cols);
            Storage rstd = d.garbage(rows);
            d.backend().norms().rmsNorm(out, rstd, xs, ws, rows, cols, 1e-6f);
            Storage dx = d.garbage(rows * cols);
            Storage dw = d.garbage(cols);
            d.backend().norms().rmsNormBackward(dx, dw, d.upload(dout), xs, ws, rstd, rows, cols);
            return d.results(out, rstd, dx, dw);
        });
        checkSameBits("crossEntropy and crossEntropyBackward", d -> {
            Storage logits = d.upload(x);
            Storage losses = d.garbage(rows);
            Storage dlogits = d.garbage(rows * cols);
            d.backend().norms().crossEntropy(losses, logits, targets, rows, cols, -100);
            d.backend().norms().crossEntropyBackward(dlogits, d.upload(dlosses), logits, targets, rows, cols, -100);
            return d.results(losses, dlogits);
        });
    }

    @Test
    void indexAddRowsAndScatterAddGiveTheSameBitsEveryRun() {
        Rng rng = rng("sameBits adds");
        int width = 64;
        int sources = 1000;
        int dstRows = 50; // about 20 adds into every row
        float[] dst = normal(rng, dstRows * width, 1);
        float[] src = normal(rng, sources * width, 1);
        int[] rows = indices(rng, sources, dstRows);
        checkSameBits("indexAddRows " + sources + " rows into " + dstRows, d -> {
            Storage ds = d.upload(dst);
            d.backend().indexing().indexAddRows(ds, d.upload(src), rows, sources, width);
            return d.results(ds);
        });
        // scatterAdd over (O, L, I) = (2, 7, 300) from J = 200: about 30 adds into every element
        float[] dx = normal(rng, 2 * 7 * 300, 1);
        float[] dout = normal(rng, 2 * 200 * 300, 1);
        int[] idx = indices(rng, 2 * 200 * 300, 7);
        checkSameBits("scatterAdd (O, L, I, J) = (2, 7, 300, 200)", d -> {
            Storage dxs = d.upload(dx);
            d.backend().indexing().scatterAdd(dxs, d.upload(dout), idx, 2, 7, 300, 200);
            return d.results(dxs);
        });
    }

    @Test
    void routingGivesTheSameBitsEveryRun() {
        Rng rng = rng("sameBits routing");
        int tokens = 1024;
        int experts = 16;
        int k = 2;
        int width = 64;
        float[] logits = normal(rng, tokens * experts, 2);
        float[] bias = normal(rng, experts, 0.05);
        float[] dweights = normal(rng, tokens * k, 1);
        for (boolean renormalize : new boolean[]{false, true}) {
            checkSameBits("topk and topkBackward renormalize=" + renormalize, d -> {
                int[] chosen = new int[tokens * k];
                Storage weights = d.garbage(tokens * k);
                Storage probs = d.garbage(tokens * experts);
                Storage dlogits = d.garbage(tokens * experts);
                d.backend().routing().topk(chosen, weights, probs, d.upload(logits), bias, tokens, experts, k,
                        renormalize);
                d.backend().routing().topkBackward(dlogits, d.upload(dweights), probs, chosen, tokens, experts, k,
                        renormalize);
                float[][] r = d.results(weights, probs, dlogits);
                return new float[][]{asFloats(chosen), r[0], r[1], r[2]};
            });
        }
        int modules = 7;
        int[] choices = new int[tokens * k];
        for (int t = 0; t < tokens; t++) {
            choices[t * k] = rng.nextInt(modules);
            choices[t * k + 1] = (choices[t * k] + 1 + rng.nextInt(modules - 1)) % modules;
        }
        float[] x = normal(rng, tokens * width, 1);
        float[] moduleOut = normal(rng, tokens * k * width, 1);
        float[] weights = uniform(rng, tokens * k, 0, 1);
        float[] dout = normal(rng, tokens * width, 1);
        boolean[] skipped = {false, false, true, false, false, false, false}; // slots of module 2 are -1
        checkSameBits("dispatch, combine and combineBackward", d -> {
            int[] counts = new int[modules];
            int[] offsets = new int[modules + 1];
            int[] tokenOfRow = new int[tokens * k];
            int[] slotRow = new int[tokens * k];
            Storage gathered = d.garbage(tokens * k * width);
            int rows = d.backend().indexing().dispatch(gathered, counts, offsets, tokenOfRow, slotRow, d.upload(x),
                    choices, skipped, tokens, k, modules, width);
            Storage y = d.upload(Arrays.copyOf(moduleOut, rows * width));
            Storage ws = d.upload(weights);
            Storage out = d.garbage(tokens * width);
            d.backend().routing().combine(out, y, ws, slotRow, tokens, k, width);
            Storage dy = d.garbage(rows * width);
            Storage dws = d.garbage(tokens * k);
            d.backend().routing().combineBackward(dy, dws, d.upload(dout), y, ws, slotRow, tokens, k, width);
            float[][] r = d.results(gathered, out, dy, dws);
            return new float[][]{Arrays.copyOf(r[0], rows * width), asFloats(slotRow), r[1], r[2], r[3]};
        });
    }

    /** The causal layouts (each of dense, ragged, per-segment masks and a shared mask). */
    @Test
    void attentionGivesTheSameBitsEveryRun() {
        for (Layout l : layouts()) {
            if (!l.causal()) {
                continue;
            }
            Rng rng = rng("sameBits attention " + l.name());
            int n = l.rows() * l.width();
            float[] qkv = normal(rng, 3 * n, 1);
            float[] dout = normal(rng, n, 1);
            checkSameBits("attention and attentionBackward, " + l.name(), d -> {
                Storage q = d.upload(Arrays.copyOfRange(qkv, 0, n));
                Storage k = d.upload(Arrays.copyOfRange(qkv, n, 2 * n));
                Storage v = d.upload(Arrays.copyOfRange(qkv, 2 * n, 3 * n));
                Storage mask = l.mask() == null ? null : d.upload(l.mask());
                Storage out = d.garbage(n);
                Storage lse = d.garbage(l.heads() * l.rows());
                d.backend().attention().forward(out, lse, q, k, v, l.segments(), l.heads(), l.headDim(), l.causal(),
                        mask, l.maskSegmentStride(), l.scale());
                Storage dq = d.garbage(n);
                Storage dk = d.garbage(n);
                Storage dv = d.garbage(n);
                d.backend().attention().backward(dq, dk, dv, d.upload(dout), q, k, v, out, lse, l.segments(), l.heads(),
                        l.headDim(), l.causal(), mask, l.maskSegmentStride(), l.scale());
                return d.results(out, lse, dq, dk, dv);
            });
            checkSameBits("attentionPacked and its backward, " + l.name(), d -> {
                Storage packed = d.upload(qkv);
                Storage mask = l.mask() == null ? null : d.upload(l.mask());
                Storage out = d.garbage(n);
                Storage lse = d.garbage(l.heads() * l.rows());
                d.backend().attention().forwardPacked(out, lse, packed, l.segments(), l.heads(), l.headDim(),
                        l.causal(), mask, l.maskSegmentStride(), l.scale());
                Storage dqkv = d.garbage(3 * n);
                d.backend().attention().backwardPacked(dqkv, d.upload(dout), packed, out, lse, l.segments(), l.heads(),
                        l.headDim(), l.causal(), mask, l.maskSegmentStride(), l.scale());
                return d.results(out, lse, dqkv);
            });
        }
    }
}
