package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.backend.contract.ContractSupport;
import org.jdna.engine.backend.contract.Tolerance;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cases beyond the shared contract suite, aimed at what issue 17 found in the CUDA backend, run on the
 * device against the reference: rows top-k must reject, repeated indices, unary ops at NaN, infinities
 * and zero, in-place strided copies, repeated rows in combine's backward, attention segments longer
 * than a thread block and head dims past 48 KB of shared memory, the packed attention pair allocating
 * nothing. Sizes are chosen to make races likely (many blocks reading what others write). Skipped with
 * the reason where there is no CUDA; failing where a device is present but the backend does not start.
 *
 * <p>Legend: N rows, E experts, K top-k, W width, L segment length, H heads, Dh head dim.
 */
class CudaExtraContractTest extends ContractSupport {
    @BeforeEach
    void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @Override
    protected Backend backend() {
        return CudaAssumptions.backend();
    }

    // ---------------------------------------------------------------- top-k

    /** The exception message of top-k on one backend, or "no exception". */
    private static String topkOutcome(Backend backend, float[] logits, float[] bias, int rows, int experts, int k) {
        try {
            runOn(backend, d -> {
                d.backend().routing().topk(new int[rows * k], d.zeros(rows * k), d.zeros(rows * experts),
                        d.upload(logits), bias, rows, experts, k, true);
                return new float[0][];
            });
            return "no exception";
        } catch (ArithmeticException e) {
            return e.getMessage();
        }
    }

    private static String withoutFiniteProb(String message) {
        return message.replaceAll("prob [-0-9.E]+", "prob (finite)");
    }

    @Test
    void topkRejectsAnInfiniteLogitANanLogitAndANanBiasAsTheReferenceDoes() {
        int rows = 1000, experts = 16, k = 2;
        Rng rng = rng("topk rejects");
        float[] ordinary = normal(rng, rows * experts, 2);
        float[] infinite = ordinary.clone();
        infinite[637 * experts + 5] = Float.POSITIVE_INFINITY;
        infinite[901 * experts + 2] = Float.POSITIVE_INFINITY;  // a later bad row: the first is reported
        float[] nanLogit = ordinary.clone();
        nanLogit[12 * experts + 15] = Float.NaN;
        float[] nanBias = new float[experts];
        nanBias[9] = Float.NaN;
        for (Object[] c : new Object[][] {{"+inf logit", infinite, null}, {"NaN logit", nanLogit, null},
                {"NaN bias", ordinary, nanBias}}) {
            // the messages name the same row, expert, logit and bias; a finite prob may differ in its last digits
            String expected = topkOutcome(REFERENCE, (float[]) c[1], (float[]) c[2], rows, experts, k);
            String actual = topkOutcome(backend(), (float[]) c[1], (float[]) c[2], rows, experts, k);
            assertEquals(withoutFiniteProb(expected), withoutFiniteProb(actual), c[0] + ": " + actual);
        }
        // the backend is still usable after a rejection
        assertEquals("no exception", topkOutcome(backend(), ordinary, null, rows, experts, k));
    }

    @Test
    void topkWithInfiniteBiasesAndMinusInfiniteLogitsPicksAsTheReferenceDoes() {
        int rows = 777, experts = 10, k = 3;
        Rng rng = rng("topk infinities");
        float[] logits = integers(rng, rows * experts, 2); // many ties
        for (int r = 0; r < rows; r += 7) {
            logits[r * experts + r % experts] = Float.NEGATIVE_INFINITY;
        }
        float[] bias = {0f, Float.POSITIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 0f, 0f, 0f, 0f};
        for (boolean renormalize : new boolean[] {false, true}) {
            check("topk infinities renormalize=" + renormalize, Tolerance.REDUCTION, d -> {
                int[] indices = new int[rows * k];
                Storage w = d.garbage(rows * k), p = d.garbage(rows * experts);
                d.backend().routing().topk(indices, w, p, d.upload(logits), bias, rows, experts, k, renormalize);
                return new float[][] {asFloats(indices), d.download(w), d.download(p)};
            });
        }
    }

    @Test
    void topkBackwardAddsTheSlotsOfARepeatedIndex() {
        int rows = 513, experts = 6, k = 4;
        Rng rng = rng("topk backward repeats");
        int[] indices = indices(rng, rows * k, 3); // only experts 0..2: most rows repeat one
        float[] probs = uniform(rng, rows * experts, 0.05, 1);
        float[] dweights = normal(rng, rows * k, 1);
        for (boolean renormalize : new boolean[] {false, true}) {
            check("topkBackward repeats renormalize=" + renormalize, Tolerance.REDUCTION, d -> {
                Storage dl = d.garbage(rows * experts);
                d.backend().routing().topkBackward(dl, d.upload(dweights), d.upload(probs), indices, rows, experts, k,
                        renormalize);
                return d.results(dl);
            });
        }
    }

    // ---------------------------------------------------------------- elementwise

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            1e-30f, -1e-30f, 0.5f, -0.5f, 1f, -1f, 2f, -3f, 20f, -20f};

    @Test
    void unaryOpsAndDerivativesAtNanInfinitiesAndZero() {
        float[] dout = new float[SPECIAL.length];
        java.util.Arrays.fill(dout, 1f);
        for (UnaryOp op : UnaryOp.values()) {
            for (float alpha : new float[] {0f, 0.5f, 1f, 2f, -1f}) {
                check(op + " alpha " + alpha + " at special values", Tolerance.ELEMENTWISE, d -> {
                    Storage out = d.garbage(SPECIAL.length), dx = d.garbage(SPECIAL.length);
                    Storage x = d.upload(SPECIAL);
                    d.backend().elementwise().unary(op, out, x, SPECIAL.length, alpha);
                    d.backend().elementwise().unaryBackward(op, dx, d.upload(dout), x, SPECIAL.length, alpha);
                    return d.results(out, dx);
                });
            }
        }
    }

    // ---------------------------------------------------------------- layout

    @Test
    void copyStridedOntoItsOwnStorageIsACopyThroughATemporary() {
        int rows = 1024, width = 1000; // ~1M floats: thousands of blocks, reads far ahead of writes
        float[] x = normal(rng("copyStrided in place"), (rows + 1) * width, 1);
        // Backend's memmove rule (the whole view read first) at a size where thousands of blocks
        // would read what others write if the kernel skipped its temporary.
        check("drop the first row in place", Tolerance.EXACT, d -> {
            Storage s = d.upload(x);
            d.backend().elementwise().copyStrided(s, s, width, new int[] {rows, width}, new int[] {width, 1});
            return d.results(s);
        });
        check("every other column of the next row, in place", Tolerance.EXACT, d -> {
            Storage s = d.upload(x);
            d.backend().elementwise().copyStrided(s, s, width, new int[] {rows, width / 2}, new int[] {width, 2});
            return d.results(s);
        });
        check("broadcast row 0 over every row, in place", Tolerance.EXACT, d -> {
            Storage s = d.upload(x);
            d.backend().elementwise().copyStrided(s, s, 0, new int[] {rows, width}, new int[] {0, 1});
            return d.results(s);
        });
        check("transpose (rows, width) in place", Tolerance.EXACT, d -> {
            Storage s = d.upload(x);
            d.backend().elementwise().copyStrided(s, s, 0, new int[] {width, rows}, new int[] {1, width});
            return d.results(s);
        });
    }

    // ---------------------------------------------------------------- routing

    @Test
    void combineBackwardWhereSlotsNameTheSameRow() {
        int tokens = 4096, k = 2, width = 256, yRows = 1500;
        Rng rng = rng("combineBackward repeats");
        int[] slots = indices(rng, tokens * k, yRows); // ~5 slots per row
        for (int i = 0; i < slots.length; i += 11) {
            slots[i] = -1;
        }
        float[] y = normal(rng, yRows * width, 1);
        float[] weights = uniform(rng, tokens * k, 0, 1);
        float[] dout = normal(rng, tokens * width, 1);
        check("combineBackward with repeated rows", Tolerance.REDUCTION, d -> {
            Storage dy = d.garbage(yRows * width), dw = d.garbage(tokens * k);
            d.backend().routing().combineBackward(dy, dw, d.upload(dout), d.upload(y), d.upload(weights), slots, tokens,
                    k, width);
            return d.results(dy, dw);
        });
    }

    // ---------------------------------------------------------------- attention

    private record Layout(String name, int[] segments, int heads, int headDim, boolean causal, float[] mask,
                          int maskStride) {
    }

    private static Layout[] longSegments() {
        int len = 130;
        float[] shared = new float[len * len];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = (i % 7 == 3) ? 0f : 1f;
        }
        int[] ragged = {0, 300, 429, 557, 558, 558, 700}; // 300, 129, 128, 1, 0, 142 rows: past one 128-thread block
        return new Layout[] {
                new Layout("long ragged causal", ragged, 2, 16, true, null, 0),
                new Layout("long ragged full", ragged, 2, 16, false, null, 0),
                new Layout("long shared mask causal", new int[] {0, len, 2 * len}, 3, 8, true, shared, 0),
                new Layout("head dim 4096 (over 48 KB of shared memory)", new int[] {0, 5, 12}, 1, 4096, true, null, 0),
        };
    }

    @Test
    void attentionOverSegmentsLongerThanABlockAndWideHeads() {
        for (Layout l : longSegments()) {
            int rows = l.segments()[l.segments().length - 1], n = rows * l.heads() * l.headDim();
            float scale = (float) (1 / Math.sqrt(l.headDim()));
            Rng rng = rng("attention " + l.name());
            float[] q = normal(rng, n, 1), k = normal(rng, n, 1), v = normal(rng, n, 1), dout = normal(rng, n, 1);
            check("attention " + l.name(), Tolerance.ATTENTION_BACKWARD, d -> {
                Storage qs = d.upload(q), ks = d.upload(k), vs = d.upload(v);
                Storage mask = l.mask() == null ? null : d.upload(l.mask());
                Storage out = d.garbage(n), lse = d.garbage(l.heads() * rows);
                d.backend().attention().forward(out, lse, qs, ks, vs, l.segments(), l.heads(), l.headDim(), l.causal(),
                        mask, l.maskStride(), scale);
                Storage dq = d.garbage(n), dk = d.garbage(n), dv = d.garbage(n);
                d.backend().attention().backward(dq, dk, dv, d.upload(dout), qs, ks, vs, out, lse, l.segments(),
                        l.heads(), l.headDim(), l.causal(), mask, l.maskStride(), scale);
                return d.results(out, lse, dq, dk, dv);
            });
        }
    }

    @Test
    void packedAttentionReadsInPlaceAndAllocatesNothing() {
        Layout l = longSegments()[0];
        int rows = l.segments()[l.segments().length - 1], w = l.heads() * l.headDim();
        float scale = (float) (1 / Math.sqrt(l.headDim()));
        Rng rng = rng("attentionPacked long");
        float[] qkv = normal(rng, rows * 3 * w, 1), dout = normal(rng, rows * w, 1);
        check("attentionPacked " + l.name(), Tolerance.ATTENTION_BACKWARD, d -> {
            Storage packed = d.upload(qkv), out = d.garbage(rows * w), lse = d.garbage(l.heads() * rows);
            Storage dqkv = d.garbage(rows * 3 * w), g = d.upload(dout);
            long before = d.backend() instanceof CudaBackend ? CudaStorage.allocations() : 0;
            d.backend().attention().forwardPacked(out, lse, packed, l.segments(), l.heads(), l.headDim(), l.causal(),
                    null, 0, scale);
            d.backend().attention().backwardPacked(dqkv, g, packed, out, lse, l.segments(), l.heads(), l.headDim(),
                    l.causal(), null, 0, scale);
            if (d.backend() instanceof CudaBackend) {
                assertEquals(before, CudaStorage.allocations(), "device storages allocated by the packed attention pair");
            }
            return d.results(out, lse, dqkv);
        });
    }
}
