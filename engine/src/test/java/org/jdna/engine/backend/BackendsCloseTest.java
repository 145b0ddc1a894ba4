package org.jdna.engine.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.jdna.engine.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** Closing backends: each once, every one even when one fails, and {@link Backends} forgets them. */
class BackendsCloseTest {

    /** The reference backend's kernels, with a close that is recorded (and may fail). */
    private static final class ClosingBackend implements HeapBackend {
        private final String name;
        private final List<String> log;
        private final RuntimeException failure;
        private final HeapPool pool = new HeapPool();
        private final Backend base = ReferenceBackend.INSTANCE;

        ClosingBackend(String name, List<String> log, RuntimeException failure) {
            this.name = name;
            this.log = log;
            this.failure = failure;
        }

        @Override
        public void close() {
            log.add(name);
            if (failure != null) {
                throw failure;
            }
        }

        @Override public String name() { return name; }
        @Override public HeapPool heapPool() { return pool; }
        @Override public ElementwiseKernels elementwise() { return base.elementwise(); }
        @Override public ReductionKernels reductions() { return base.reductions(); }
        @Override public MatmulKernels matmul() { return base.matmul(); }
        @Override public NormKernels norms() { return base.norms(); }
        @Override public IndexingKernels indexing() { return base.indexing(); }
        @Override public AttentionKernels attention() { return base.attention(); }
        @Override public RoutingKernels routing() { return base.routing(); }
        @Override public OptimizerKernels optimizer() { return base.optimizer(); }
    }

    @Test
    void eachBackendIsClosedOnceAndAllAreClosedWhenOneFails() {
        List<String> log = new ArrayList<>();
        IllegalStateException sticky = new IllegalStateException("CUDA_ERROR_ILLEGAL_ADDRESS");
        IllegalStateException second = new IllegalStateException("second");
        Backend a = new ClosingBackend("a", log, null);
        Backend gpu = new ClosingBackend("gpu", log, sticky);
        Backend c = new ClosingBackend("c", log, second);
        // the same backend cached under two settings (a single-device provider hands out one backend)
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Backends.closeEach(List.of(a, gpu, a, c, gpu)));
        assertEquals(List.of("a", "gpu", "c"), log, "each once, in order, past the failure");
        assertEquals("closing backend 'gpu' failed: CUDA_ERROR_ILLEGAL_ADDRESS", thrown.getMessage());
        assertSame(sticky, thrown.getCause());
        assertSame(second, thrown.getSuppressed()[0]);
    }

    @Test
    void closeAllForgetsTheBackendsItMadeSoTheNextRequestMakesNewOnes() {
        Backend previous = Backends.current();
        try {
            Backend reference = Backends.use("reference");
            assertDoesNotThrow(Backends::closeAll);
            assertSame(reference, Backends.get("reference"), "the reference provider hands out its one instance");
            assertEquals("reference", Backends.current().name(), "a current backend is chosen again");
        } finally {
            Backends.use(previous);
        }
    }

    @Test
    void theDefaultCloseDoesNothing() {
        ReferenceBackend.INSTANCE.close();
        Storage s = ReferenceBackend.INSTANCE.allocate(3);
        ReferenceBackend.INSTANCE.fill(s, 0, 3, 1f);
        float[] out = new float[3];
        ReferenceBackend.INSTANCE.copyOut(s, 0, out, 0, 3);
        assertEquals(3f, out[0] + out[1] + out[2]);
    }
}
