package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.memory.MemoryStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Closing the CUDA backend on the device: every block freed (storages still open and the scratch
 * included), every later use refused with the backend's name, close idempotent, and the next start
 * a new backend that works. Skipped without CUDA; the host-side order is {@link ReleaseOrderTest}.
 */
class CudaBackendCloseTest {

    @BeforeEach
    void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @Test
    void closeFreesEveryBlockRefusesEveryUseAndTheNextStartMakesANewBackend() {
        CudaBackend cuda = CudaAssumptions.cuda();
        Storage kept = cuda.allocate(1 << 20);
        cuda.allocate(4096).close();                      // a cached block
        cuda.fill(kept, 0, 1 << 20, 0.5f);
        assertEquals(0.25 * (1 << 20), cuda.reductions().sumOfSquares(kept, 0, 1 << 20), 1e-3); // scratch in use
        NormKernels keptFamily = cuda.norms();
        assertTrue(cuda.memoryStats().bytesInUse() > 4L << 20, "the storage and the scratch: " + cuda.memoryStats());

        cuda.close();
        MemoryStats after = cuda.memoryStats();
        assertEquals(0, after.bytesInUse(), after.toString());
        assertEquals(0, after.bytesCached(), after.toString());
        assertEquals(after.blocksCreated(), after.blocksFreed(), "every block the pool made was freed");

        Map<String, Executable> uses = new LinkedHashMap<>();
        uses.put("allocate", () -> cuda.allocate(4));
        uses.put("copyIn", () -> cuda.copyIn(kept, 0, new float[1], 0, 1));
        uses.put("copyOut", () -> cuda.copyOut(kept, 0, new float[1], 0, 1));
        uses.put("fill", () -> cuda.fill(kept, 0, 1, 0f));
        uses.put("synchronize", cuda::synchronize);
        uses.put("matmul", cuda::matmul);
        uses.put("releaseCachedMemory", cuda::releaseCachedMemory);
        uses.put("a family kept from before", () -> keptFamily.softmax(kept, kept, 1, 4, false));
        for (Map.Entry<String, Executable> use : uses.entrySet()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use.getValue(), use.getKey());
            assertTrue(e.getMessage().contains("backend 'cuda'"), use.getKey() + ": " + e.getMessage());
        }
        kept.close();                                     // harmless
        cuda.close();                                     // idempotent

        Backend next = CudaAssumptions.backend();
        assertNotSame(cuda, next, "the provider starts a new backend once its backend is closed");
        Storage s = next.allocate(3);
        next.copyIn(s, 0, new float[] {1, 2, 3}, 0, 3);
        float[] out = new float[3];
        next.copyOut(s, 0, out, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3}, out);
        s.close();
    }
}
