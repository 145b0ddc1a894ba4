package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendUnavailableException;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Starting the backend, on the host with stand-in stages: no CUDA here is an absence (device tests
 * skip), while any failure once a device is found leaves the backend broken (device tests fail).
 */
class CudaStartupTest {
    private static final Backend SOME_BACKEND = ReferenceBackend.INSTANCE;

    @Test
    void noDriverOrDeviceIsAnAbsence() {
        CudaStartup s = CudaBackendProvider.start(() -> {
            throw new BackendUnavailableException("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
        }, device -> SOME_BACKEND);
        assertEquals(CudaStartup.Outcome.ABSENT, s.outcome());
        assertEquals("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)", s.reason());
        assertNull(s.backend());
    }

    @Test
    void aPtxTheDriverRejectsLeavesTheBackendBroken() {
        IllegalStateException jit = new IllegalStateException("cuModuleLoadData failed for ptx/compute_90/attention.ptx"
                + " (the driver may be older than the nvcc that built the PTX): CUDA_ERROR_UNSUPPORTED_PTX_VERSION");
        CudaStartup s = CudaBackendProvider.start(() -> "H100 (sm_90)", device -> {
            throw jit;
        });
        assertEquals(CudaStartup.Outcome.BROKEN, s.outcome());
        assertEquals("CUDA backend failed to start on H100 (sm_90): " + jit.getMessage(), s.reason());
        assertSame(jit, s.cause());
    }

    @Test
    void everyFailureAfterTheDeviceIsFoundIsBroken() {
        CudaStartup noPtx = CudaBackendProvider.start(() -> "dev", device -> {
            throw new BackendUnavailableException(CudaBackendProvider.NO_PTX);
        });
        assertEquals(CudaStartup.Outcome.BROKEN, noPtx.outcome());
        assertTrue(noPtx.reason().endsWith(CudaBackendProvider.NO_PTX), noPtx.reason());
        CudaStartup link = CudaBackendProvider.start(() -> "dev", device -> {
            throw new UnsatisfiedLinkError("libcublas.so.12: cannot open shared object file");
        });
        assertEquals(CudaStartup.Outcome.BROKEN, link.outcome());
        assertTrue(link.reason().contains("UnsatisfiedLinkError"), link.reason());
        CudaStartup unusable = CudaBackendProvider.start(() -> {
            throw new IllegalStateException("CUDA device 0 is present but unusable (cuDevicePrimaryCtxRetain: "
                    + "CUDA_ERROR_OUT_OF_MEMORY)");
        }, device -> SOME_BACKEND);
        assertEquals(CudaStartup.Outcome.BROKEN, unusable.outcome());
    }

    @Test
    void aDeviceTheBackendCouldNotBeBuiltOnIsClosed() {
        boolean[] closed = {false};
        AutoCloseable device = () -> closed[0] = true;
        CudaStartup s = CudaBackendProvider.start(() -> device, d -> {
            throw new BackendUnavailableException(CudaBackendProvider.NO_PTX);
        });
        assertEquals(CudaStartup.Outcome.BROKEN, s.outcome());
        assertTrue(closed[0], "its retain of the primary context is released");
    }

    @Test
    void aBackendThatStartsIsReady() {
        CudaStartup s = CudaBackendProvider.start(() -> "dev", device -> SOME_BACKEND);
        assertTrue(s.ready());
        assertSame(SOME_BACKEND, s.backend());
        assertThrows(IllegalArgumentException.class,
                () -> new CudaStartup(CudaStartup.Outcome.BROKEN, SOME_BACKEND, "x", null));
    }

    @Test
    void deviceTestsSkipOnAnAbsenceAndFailOnABrokenBackend() {
        CudaStartup absent = CudaStartup.absent("no CUDA device", null);
        TestAbortedException skip = assertThrows(TestAbortedException.class, () -> CudaAssumptions.verdict(absent, false));
        assertTrue(skip.getMessage().contains("no CUDA device"), skip.getMessage());
        assertThrows(AssertionFailedError.class, () -> CudaAssumptions.verdict(absent, true));
        CudaStartup broken = CudaStartup.broken("CUDA backend failed to start on dev: boom", null);
        AssertionFailedError fail = assertThrows(AssertionFailedError.class, () -> CudaAssumptions.verdict(broken, false));
        assertTrue(fail.getMessage().contains("device is present"), fail.getMessage());
        assertDoesNotThrow(() -> CudaAssumptions.verdict(CudaStartup.ready(SOME_BACKEND), true));
    }

    @Test
    void thisMachinesStartIsNeverBrokenWithoutADevice() {
        CudaStartup here = CudaBackendProvider.startup();
        if (here.outcome() == CudaStartup.Outcome.ABSENT) {
            assertTrue(here.reason().startsWith("JCuda natives failed to load") || here.reason().startsWith("no CUDA device"),
                    "an absence names the missing driver or device: " + here.reason());
        }
        assertSame(here, CudaBackendProvider.startup(), "started once per process");
    }
}
