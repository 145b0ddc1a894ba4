package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jdna.engine.memory.MemoryStats;
import org.junit.jupiter.api.Test;

/**
 * The CUDA pool's logic on the host (no device needed): a fake device allocator counts every
 * cuMemAlloc and cuMemFree the pool would make, per step of a training-like pattern.
 */
class DeviceMemoryPoolTest {

    // The float sizes of one step: the same shapes each step, some rows varying a little (routed modules).
    private static long[] stepBytes(int step) {
        int rows = 96 + (step % 3) * 4;
        return new long[]{4L * 2048 * 128, 4L * 2048 * 384, 4L * rows * 128, 4L * rows * 512, 4, 4L * 2048,
                4L * rows * 128, 4L * 2048 * 256, 4L * 2048 * 128};
    }

    @Test
    void aSteadyStepAllocatesAndFreesNothingOnTheDevice() {
        CountingDeviceAllocator device = new CountingDeviceAllocator();
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
    void closeFreesEveryBlockInUseOrCachedAndIgnoresBlocksReturnedLater() {
        CountingDeviceAllocator device = new CountingDeviceAllocator();
        DeviceMemoryPool pool = new DeviceMemoryPool(device);
        DeviceAllocator.DeviceBlock stillInUse = pool.take(1000);
        pool.give(pool.take(1 << 20));
        pool.close();
        assertEquals(2, device.frees, "the cached block and the one in use: the context goes next");
        assertEquals(0, device.held);
        assertTrue(device.live.isEmpty());
        MemoryStats stats = pool.stats();
        assertEquals(0, stats.bytesInUse());
        assertEquals(0, stats.bytesCached());
        assertEquals(stats.blocksCreated(), stats.blocksFreed());

        pool.give(stillInUse);                            // a storage closed (or cleaned) after the backend
        assertEquals(2, device.frees, "freed once, at close");
        pool.close();                                     // idempotent
        assertEquals(2, device.frees);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.take(4));
        assertTrue(refused.getMessage().contains("backend 'cuda'"), refused.getMessage());
    }

    @Test
    void aBlockReturnedTwiceIsRefusedRatherThanLentTwice() {
        DeviceMemoryPool pool = new DeviceMemoryPool(new CountingDeviceAllocator());
        DeviceAllocator.DeviceBlock block = pool.take(4096);
        pool.give(block);
        assertThrows(IllegalArgumentException.class, () -> pool.give(block));
        assertThrows(IllegalArgumentException.class,
                () -> pool.give(new DeviceAllocator.DeviceBlock(1L << 40, 1L << 15, null)));
    }

    @Test
    void outOfMemoryFreesTheCacheInsteadOfAskingTheCollector() {
        CountingDeviceAllocator device = new CountingDeviceAllocator(11 << 19);
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

    /**
     * Device memory has one way in and out, the pool's allocator, and nothing waits for the garbage
     * collector: no System.gc() and no sleep anywhere in the module's sources.
     */
    @Test
    void onlyTheDeviceAllocatorCallsTheDriversAllocAndFreeAndNothingAsksTheCollector() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                for (String call : List.of("System.gc", "Thread.sleep", "cuMemAlloc(", "cuMemFree(", "cuMemAllocManaged(")) {
                    boolean allowed = call.startsWith("cuMem") && file.endsWith("JCudaDeviceAllocator.java");
                    if (text.contains(call) && !allowed) {
                        found.add(file.getFileName() + ": " + call);
                    }
                }
            }
        }
        assertEquals(List.of(), found, "device memory goes through DeviceMemoryPool; nothing asks the collector");
    }
}
