package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.jdna.cuda.DeviceScratch.Slot;
import org.jdna.engine.memory.MemoryStats;
import org.junit.jupiter.api.Test;

/**
 * The kernels' scratch on the host: its blocks come from the backend's {@link DeviceMemoryPool}
 * (a {@link CountingDeviceAllocator} stands for the device), so the pool's statistics count them,
 * a slot that grows gives its old block to the pool's cache, and once warm a step asks the device
 * for nothing.
 */
class DeviceScratchTest {
    private static final Slot[] USED = {Slot.INDEX_A, Slot.TEMP_A, Slot.TEMP_B, Slot.RESULT};

    private final CountingDeviceAllocator device = new CountingDeviceAllocator();
    private final DeviceMemoryPool pool = new DeviceMemoryPool(device);
    private final DeviceScratch scratch = new DeviceScratch(pool);

    /**
     * One training-like step: storages taken and returned around kernels whose scratch grows within
     * the step (a slot first asked for little, then for more, then for little again).
     */
    private void step() {
        List<DeviceAllocator.DeviceBlock> live = new ArrayList<>();
        live.add(pool.take(4L * 2048 * 128));             // x: (2048, 128)
        scratch.temp(Slot.INDEX_A, 4L * 96 * 2);          // top-k indices: (96, 2)
        live.add(pool.take(4L * 2048 * 384));             // qkv: (2048, 384)
        scratch.temp(Slot.INDEX_A, 4L * 2048 * 8);        // a dispatch over every row: INDEX_A grows
        scratch.temp(Slot.TEMP_A, 8L * 40);               // sumOfSquares's partials
        scratch.temp(Slot.TEMP_A, 4L * 16 * 4096);        // attention's delta: (H, N), TEMP_A grows
        scratch.temp(Slot.TEMP_B, 4L * 2048 * 128);       // an overlapping copy staged through TEMP_B
        scratch.temp(Slot.RESULT, 8);
        live.add(pool.take(4L * 96 * 512));               // a routed module's hidden rows: (96, 512)
        scratch.temp(Slot.INDEX_A, 4L * 96 * 2);          // small again: the grown block serves it
        live.forEach(pool::give);                         // the step's scope ends
    }

    /** Bytes the used slots hold now (asking a slot for 1 byte never makes it grow). */
    private long scratchBytes() {
        long sum = 0;
        for (Slot s : USED) {
            sum += scratch.buffer(s, 1).bytes();
        }
        return sum;
    }

    @Test
    void afterOneWarmUpStepNoStepAllocatesOrFreesOnTheDevice() {
        step();
        int warmUpAllocations = device.allocations;
        assertEquals(0, device.frees, "a slot that grows gives its old block to the pool, not to cuMemFree");
        assertEquals(scratchBytes(), pool.stats().bytesInUse(), "after the step only the scratch is in use");
        List<String> perStep = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int allocationsBefore = device.allocations, freesBefore = device.frees;
            step();
            perStep.add(device.callsSince(allocationsBefore, freesBefore));
            assertEquals(scratchBytes(), pool.stats().bytesInUse(), "in use after step " + i + ": the scratch alone");
        }
        assertEquals(List.of("0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "0/0", "0/0"), perStep,
                "cuMemAlloc/cuMemFree per step after the warm-up step (" + warmUpAllocations + " allocations)");
    }

    @Test
    void scratchCountsInThePoolsStatistics() {
        long before = pool.stats().bytesInUse();
        DeviceScratch.Buffer b = scratch.buffer(Slot.TEMP_A, 3 << 20);
        MemoryStats stats = pool.stats();
        assertEquals(before + b.bytes(), stats.bytesInUse(), "a scratch block is in use in the pool");
        assertTrue(stats.peakBytesInUse() >= b.bytes(), "the peak covers the scratch");
        assertEquals(4L << 20, b.bytes(), "3 MiB rounds up to a power of two");

        DeviceScratch.Buffer grown = scratch.buffer(Slot.TEMP_A, 5 << 20);
        assertNotEquals(b.address(), grown.address());
        assertEquals(8L << 20, pool.stats().bytesInUse(), "the old block left the slot");
        assertEquals(4L << 20, pool.stats().bytesCached(), "the old block waits in the pool's cache");
        assertEquals(0, device.frees);

        scratch.close();
        assertEquals(0, pool.stats().bytesInUse(), "close gives every slot's block back");
        assertEquals(12L << 20, pool.stats().bytesCached());
        scratch.close();                                  // idempotent
        assertEquals(0, pool.stats().bytesInUse());
    }

    @Test
    void aStorageMayReuseTheBlockASlotOutgrew() {
        long small = scratch.buffer(Slot.INDEX_B, 1 << 20).address();
        scratch.buffer(Slot.INDEX_B, 2 << 20);
        int allocations = device.allocations;
        assertEquals(small, pool.take(1 << 20).address(), "the 1 MiB block went back to the pool's cache");
        assertEquals(allocations, device.allocations);
    }

    @Test
    void roundUpIsTheNextPowerOfTwo() {
        assertEquals(1, DeviceScratch.roundUp(0));
        assertEquals(1, DeviceScratch.roundUp(1));
        assertEquals(4, DeviceScratch.roundUp(3));
        assertEquals(4096, DeviceScratch.roundUp(4096));
        assertEquals(8192, DeviceScratch.roundUp(4097));
    }
}
