package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

/**
 * A device for host tests of {@link DeviceMemoryPool}: hands out made-up addresses, counts every
 * cuMemAlloc and cuMemFree the pool would make, fails a test on a free of a block it never made (or
 * made and freed already), and refuses past {@code capacity} bytes as an out-of-memory device would.
 */
final class CountingDeviceAllocator implements DeviceAllocator {
    final long capacity;
    long held;
    long nextAddress = 1L << 32;
    int allocations;
    int frees;
    final Set<Long> live = new HashSet<>();

    CountingDeviceAllocator(long capacity) {
        this.capacity = capacity;
    }

    /** A device with no limit. */
    CountingDeviceAllocator() {
        this(Long.MAX_VALUE);
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

    /** "allocations/frees" since {@code allocationsBefore} and {@code freesBefore}. */
    String callsSince(int allocationsBefore, int freesBefore) {
        return (allocations - allocationsBefore) + "/" + (frees - freesBefore);
    }
}
