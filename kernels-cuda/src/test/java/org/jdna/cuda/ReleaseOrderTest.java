package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.jdna.cuda.DeviceScratch.Slot;
import org.jdna.engine.memory.MemoryStats;
import org.junit.jupiter.api.Test;

/**
 * A CUDA backend's close on the host: the real pool and scratch over a {@link CountingDeviceAllocator},
 * fakes for the synchronize, the cuBLAS handle, the modules and the context that note what the
 * device had freed when they ran.
 */
class ReleaseOrderTest {
    private final CountingDeviceAllocator device = new CountingDeviceAllocator();
    private final DeviceMemoryPool pool = new DeviceMemoryPool(device);
    private final DeviceScratch scratch = new DeviceScratch(pool);
    private final List<String> log = new ArrayList<>();

    /** A backend in the middle of its life: storages in use, blocks cached, scratch grown. */
    private List<DeviceAllocator.DeviceBlock> midLife() {
        List<DeviceAllocator.DeviceBlock> inUse = new ArrayList<>();
        inUse.add(pool.take(1 << 20));
        pool.give(pool.take(3 << 20));
        scratch.temp(Slot.INDEX_A, 4L * 2048);
        scratch.temp(Slot.TEMP_A, 64 << 10);
        scratch.temp(Slot.TEMP_A, 5 << 20);               // grows: its old block is cached
        inUse.add(pool.take(7 << 10));
        return inUse;
    }

    /** A step that notes its name and how many of the device's blocks were freed when it ran. */
    private AutoCloseable noted(String what) {
        return () -> log.add(what + " " + device.frees + "/" + device.allocations);
    }

    @Test
    void closeSynchronizesFreesEveryBlockThenReleasesHandlesModulesAndContextInThatOrder() {
        List<DeviceAllocator.DeviceBlock> storages = midLife();
        int made = device.allocations;
        ReleaseOrder.run(ReleaseOrder.of(noted("synchronize"), scratch, pool, noted("cuBLAS"), noted("modules"),
                noted("context")));
        assertEquals(List.of("synchronize 0/" + made, "cuBLAS " + made + "/" + made, "modules " + made + "/" + made,
                "context " + made + "/" + made), log, "nothing freed before the synchronize; every block before the context");
        assertTrue(device.live.isEmpty(), "every block the pool made was freed: " + device.live);
        MemoryStats stats = pool.stats();
        assertEquals(0, stats.bytesInUse());
        assertEquals(0, stats.bytesCached());
        assertEquals(stats.blocksCreated(), stats.blocksFreed());

        storages.forEach(pool::give);                     // storages closed or cleaned after their backend
        scratch.close();
        assertEquals(made, device.frees, "a block that comes back later is not freed again");
    }

    @Test
    void aFailingStepLeavesTheLaterOnesToRunAndIsThrownFirst() {
        midLife();
        IllegalStateException sticky = new IllegalStateException("CUDA_ERROR_ILLEGAL_ADDRESS");
        IllegalStateException cublas = new IllegalStateException("CUBLAS_STATUS_INTERNAL_ERROR");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ReleaseOrder.run(ReleaseOrder.of(
                () -> { throw sticky; }, scratch, pool, () -> { throw cublas; }, noted("modules"), noted("context"))));
        assertEquals("backend 'cuda' close: releasing the synchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS",
                thrown.getMessage());
        assertSame(sticky, thrown.getCause());
        assertSame(cublas, thrown.getSuppressed()[0]);
        assertEquals(2, log.size(), "the modules and the context were still released: " + log);
        assertTrue(device.live.isEmpty(), "and every block freed");
    }
}
