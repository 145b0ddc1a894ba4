package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The CUDA pool's logic on the host (no device needed): a fake device allocator counts every
 * cuMemAlloc and cuMemFree the pool would make, per step of a training-like pattern.
 */
class DeviceMemoryPoolTest {

    /** Hands out fake addresses; counts allocations and frees; refuses past {@code capacity} bytes. */
    private static final class FakeDevice implements DeviceAllocator {
        final long capacity;
        long held;
        long nextAddress = 1L << 32;
        int allocations;
        int frees;
        final Set<Long> live = new HashSet<>();

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public DeviceBlock allocate(long bytes) {
            if (held + bytes > capacity) {
                return null;
            }
            held += bytes;
            allocations++;
            long address = nextAddress;
            nextAddress += bytes;
            live.add(address);
            return new DeviceBlock(address, bytes, null);
        }

        @Override
        public void free(DeviceBlock block) {
            assertTrue(live.remove(block.address()), "freed twice or never allocated: " + block);
            held -= block.bytes();
            frees++;
        }
    }

    // The float sizes of one step: the same shapes each step, some rows varying a little (routed modules).
    private static long[] stepBytes(int step) {
        int rows = 96 + (step % 3) * 4;
        return new long[]{4L * 2048 * 128, 4L * 2048 * 384, 4L * rows * 128, 4L * rows * 512, 4, 4L * 2048,
                4L * rows * 128, 4L * 2048 * 256, 4L * 2048 * 128};
    }

    @Test
    void aSteadyStepAllocatesAndFreesNothingOnTheDevice() {
        FakeDevice device = new FakeDevice(Long.MAX_VALUE);
        DeviceMemoryPool pool = new DeviceMemoryPool(device);
        List<String> perStep = new ArrayList<>();
        for (int step = 0; step < 8; step++) {
            int allocationsBefore = device.allocations;
            int freesBefore = device.frees;
            List<DeviceAllocator.DeviceBlock> live = new ArrayList<>();
            for (long bytes : stepBytes(step)) {
                DeviceAllocator.DeviceBlock b = pool.take(bytes);
                assertTrue(b.bytes() >= bytes && b.bytes() % DeviceMemoryPool.GRANULE == 0, "block " + b + " for " + bytes);
                live.add(b);
            }
            live.forEach(pool::give);                     // the step's scope ends
            perStep.add((device.allocations - allocationsBefore) + "/" + (device.frees - freesBefore));
        }
        // the first three steps meet every row count once; after them the device sees no call at all
        assertEquals(List.of("0/0", "0/0", "0/0", "0/0", "0/0"), perStep.subList(3, perStep.size()),
                "cuMemAlloc/cuMemFree per step: " + perStep);
        assertTrue(perStep.subList(0, 3).stream().allMatch(s -> s.endsWith("/0")), "nothing freed while warming up");
        assertEquals(0, pool.stats().bytesInUse());
        assertEquals(device.held, pool.stats().bytesCached());
    }

    @Test
    void closeReleasesEverythingAndBlocksReturnedLater() {
        FakeDevice device = new FakeDevice(Long.MAX_VALUE);
        DeviceMemoryPool pool = new DeviceMemoryPool(device);
        DeviceAllocator.DeviceBlock stillInUse = pool.take(1000);
        pool.give(pool.take(1 << 20));
        pool.close();
        assertEquals(1, device.frees);
        pool.give(stillInUse);                            // a storage closed (or cleaned) after the backend
        assertEquals(device.allocations, device.frees);
        assertEquals(0, device.held);
        assertTrue(device.live.isEmpty());
    }

    @Test
    void outOfMemoryFreesTheCacheInsteadOfAskingTheCollector() {
        FakeDevice device = new FakeDevice(11 << 19);
        DeviceMemoryPool pool = new DeviceMemoryPool(device);
        DeviceAllocator.DeviceBlock a = pool.take(1 << 20);
        pool.give(pool.take(4 << 20));                    // 1 MiB in use, 4 MiB cached: 0.5 MiB left
        DeviceAllocator.DeviceBlock b = pool.take(5 << 18);  // 1.25 MiB: the cache is freed, then it fits
        assertEquals(1, device.frees);
        assertEquals(5 << 18, b.bytes());
        assertThrows(OutOfMemoryError.class, () -> pool.take(4 << 20));
        pool.give(a);
        assertSame(a, pool.take(1 << 20), "the returned block is reused");
    }

    @Test
    void cudaStorageHasNoSystemGc() throws Exception {
        Path source = Path.of("src/main/java/org/jdna/cuda/CudaStorage.java");
        String text = Files.readString(source);
        assertFalse(text.contains("System.gc"), "CudaStorage must not ask the collector for device memory");
        assertFalse(text.contains("cuMemFree"), "device memory goes back to the pool, not the driver");
    }
}
