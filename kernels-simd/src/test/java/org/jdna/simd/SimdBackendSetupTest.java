package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.BackendProvider;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.reference.ReferenceBackendProvider;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * How the backend is found and configured (ServiceLoader name and priority, the species property,
 * the thread count), and that the routing kernels allocate nothing per call once compiled.
 */
class SimdBackendSetupTest {

    @Test
    void providerIsFoundByNameAndOutranksTheReference() {
        assertInstanceOf(SimdBackend.class, Backends.get("simd"));
        BackendProvider simd = new SimdBackendProvider();
        assertEquals("simd", simd.name());
        assertTrue(simd.priority() > new ReferenceBackendProvider().priority(), "simd must outrank the reference");
        assertTrue(Backends.survey().get("simd").startsWith("ok"), Backends.survey().toString());
    }

    /**
     * The thread count reaches the backend as a value: one thread is the caller alone (no worker is
     * started), three are the caller and two workers; a backend built earlier with other settings (the
     * defaults, before a command's options applied) is never handed out in its place.
     */
    @Test
    void theBackendRunsExactlyTheThreadsItIsGiven() {
        Backend previous = Backends.current();
        try {
            Backends.get("simd");
            long workers = liveWorkers();
            Backend one = Backends.use("simd", BackendSettings.threads(1));
            assertSame(one, Backends.current());
            assertEquals(1, ((SimdBackend) one).threads());
            assertTrue(one.description().endsWith(", 1 thread)"), one.description());
            assertEquals(workers, liveWorkers(), "one thread: the calling thread alone");

            Backend three = Backends.get("simd", BackendSettings.threads(3));
            assertEquals(3, ((SimdBackend) three).threads());
            assertEquals(workers + 2, liveWorkers(), "three threads: the caller and two workers");
            assertSame(three, Backends.get("simd", BackendSettings.threads(3)), "one backend per settings");
            assertSame(one, Backends.get("simd", BackendSettings.threads(1)));
        } finally {
            Backends.use(previous);
        }
    }

    /**
     * Backends.closeAll closes the backends it made (the SIMD backend: its workers stop, a kernel split
     * over them refuses) and forgets them, so that the same request then makes a new backend.
     */
    @Test
    void closeAllClosesTheBackendsItMadeAndTheNextRequestMakesANewOne() {
        Backend two = Backends.get("simd", BackendSettings.threads(2));
        long workers = liveWorkers();
        Storage src = two.allocate(1 << 20), dst = two.allocate(1 << 20);
        Backends.closeAll();
        assertTrue(liveWorkers() <= workers - 1, "the closed backend's worker has stopped");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> two.copy(dst, 0, src, 0, 1 << 20));
        assertTrue(refused.getMessage().startsWith("simd:"), refused.getMessage());

        Backend again = Backends.get("simd", BackendSettings.threads(2));
        assertNotSame(two, again);
        Storage a = again.allocate(1 << 20), b = again.allocate(1 << 20);
        again.fill(a, 0, 1 << 20, 2f);
        again.copy(b, 0, a, 0, 1 << 20);
        float[] last = new float[1];
        again.copyOut(b, (1 << 20) - 1, last, 0, 1);
        assertEquals(2f, last[0]);
        assertSame(again, Backends.get("simd", BackendSettings.threads(2)));
    }

    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("jdna-simd-")).count();
    }

    @Test
    void speciesIsTheOneThePropertyNames() {
        String bits = System.getProperty("jdna.simd.bits");
        if (bits != null) {
            assertEquals(Integer.parseInt(bits), SimdConfig.BITS);
        }
        assertEquals(SimdConfig.BITS == 0 ? 1 : SimdConfig.BITS / 32, SimdConfig.LANES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SimdBackend(SimdConfig.BITS == 128 ? 256 : 128, 1));
        assertTrue(e.getMessage().contains("jdna.simd.bits"), e.getMessage());
        try (SimdBackend b = new SimdBackend(SimdConfig.BITS, 3)) {
            assertEquals(3, b.threads());
            assertTrue(b.description().contains("3 threads"), b.description());
        }
        assertThrows(IllegalArgumentException.class, () -> new SimdBackend(0));
    }

    @Test
    void topkDispatchCombineAndRowGathersAllocateNothingInSteadyState() {
        for (int threads : new int[]{1, 2}) {
            try (SimdBackend b = new SimdBackend(threads)) {
                assertSteadyStateAllocationFree(b);
            }
        }
    }

    /**
     * Repeats rounds of calls until a whole round allocates 0 bytes on the calling thread (the
     * interpreter and C1 box vectors; C2 does not), failing if that never happens.
     */
    private static void assertSteadyStateAllocationFree(Backend b) {
        int n = 2048;
        int e = 16;
        int k = 2;
        int d = 64;
        Rng rng = new Rng(5);
        Storage logits = upload(b, rng, n * e);
        Storage probs = b.allocate(n * e);
        Storage weights = b.allocate(n * k);
        Storage x = upload(b, rng, n * d);
        Storage gathered = b.allocate(n * k * d);
        Storage out = b.allocate(n * d);
        int[] indices = new int[n * k];
        int[] tokenOfSlot = new int[n * k];
        int[] slotOfToken = new int[n * k];
        int[] counts = new int[e];
        int[] offsets = new int[e + 1];
        int[] rowTokens = new int[n * k];
        int[] pairRows = new int[n * k];
        for (int i = 0; i < n * k; i++) {
            tokenOfSlot[i] = i / k;
            slotOfToken[i] = i;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long last = -1;
        for (int round = 0; round < 400; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 20; call++) {
                b.routing().topk(indices, weights, probs, logits, null, n, e, k, false);
                b.indexing().dispatch(gathered, counts, offsets, rowTokens, pairRows, x, indices, null, n, k, e, d);
                b.indexing().indexSelectRows(gathered, x, tokenOfSlot, n * k, d);
                b.routing().combine(out, gathered, weights, slotOfToken, n, k, d);
                b.indexing().indexAddRows(out, gathered, tokenOfSlot, n * k, d);
            }
            last = mx.getCurrentThreadAllocatedBytes() - before;
            if (last == 0) {
                return;
            }
        }
        throw new AssertionError(b.description() + ": topk/dispatch/indexSelectRows/combine/indexAddRows still allocate "
                + last + " bytes per round of 20 calls each, after 400 rounds");
    }

    /**
     * Broadcasting binary ops keep their vectors in registers: once compiled, a call allocates only
     * its small fixed bookkeeping (the loop body, one spread row), not per lane group. A loop that
     * merged a broadcast vector and a loaded one boxed every vector: ~200 KB per call here.
     */
    @Test
    void broadcastingBinaryAllocatesNoVectorsInSteadyState() {
        int rows = 256;
        int cols = 128;
        int budget = 2048; // bytes per call
        try (SimdBackend b = new SimdBackend(1)) {
            Rng rng = new Rng(6);
            Storage x = upload(b, rng, rows * cols);
            Storage column = upload(b, rng, rows);
            Storage out = b.allocate(rows * cols);
            int[] shape = {rows, cols};
            int[] full = {cols, 1};
            int[] broadcast = {1, 0};
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long perCall = -1;
            for (int round = 0; round < 400; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int call = 0; call < 10; call++) {
                    b.elementwise().binary(BinaryOp.MUL, out, shape, x, full, column, broadcast);
                    b.elementwise().binary(BinaryOp.SUB, out, shape, column, broadcast, x, full);
                    b.elementwise().binary(BinaryOp.ADD, out, shape, x, full, out, full);
                }
                perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 30;
                if (perCall <= budget) {
                    return;
                }
            }
            throw new AssertionError(b.description() + ": binary still allocates " + perCall
                    + " bytes per call on (" + rows + ", " + cols + ") after 400 rounds (budget " + budget + ")");
        }
    }

    /** n standard normal floats from rng, on b (also used by GemmLateCompileTest). */
    static Storage upload(Backend b, Rng rng, int n) {
        float[] host = new float[n];
        for (int i = 0; i < n; i++) {
            host[i] = (float) rng.nextGaussian();
        }
        Storage s = b.allocate(n);
        b.copyIn(s, 0, host, 0, n);
        return s;
    }
}
