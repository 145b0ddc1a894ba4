package org.jdna.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The pool logic on the host, over a fake source that counts what it makes and frees: size
 * classes, reuse, statistics, the retry after freeing the cache, and close.
 */
class CachingAllocatorTest {

    /** Blocks are long[]{units}; counts every allocation and free; may refuse past a budget. */
    static final class CountingSource implements CachingAllocator.Source<long[]> {
        long budget = Long.MAX_VALUE;
        long held;
        int allocations;
        int frees;

        @Override
        public long[] allocate(long units) {
            if (held + units > budget) {
                return null;
            }
            held += units;
            allocations++;
            return new long[]{units};
        }

        @Override
        public void free(long[] block) {
            held -= block[0];
            frees++;
        }

        @Override
        public long units(long[] block) {
            return block[0];
        }
    }

    @Test
    void sizeClassesCoverEveryRequestWithAtMostAQuarterMore() {
        int previous = 0;
        for (long n = 1; n < 200_000; n += 1 + n / 97) {
            int c = SizeClasses.classOf(n);
            long cap = SizeClasses.capacity(c);
            assertTrue(cap >= n, "class " + c + " of " + cap + " units too small for " + n);
            assertTrue(n <= SizeClasses.SMALLEST || cap <= n + n / 4 + 1, "class of " + n + " wastes too much: " + cap);
            assertTrue(c == 0 || SizeClasses.capacity(c - 1) < n, "a smaller class would hold " + n);
            assertTrue(c >= previous, "classes must grow with the request");
            previous = c;
        }
        assertEquals(SizeClasses.maxClass(), SizeClasses.classOf(1L << 62));
        assertEquals(1L << 62, SizeClasses.capacity(SizeClasses.maxClass()));
    }

    @Test
    void returnedBlocksAreReusedAndCounted() {
        CountingSource source = new CountingSource();
        CachingAllocator<long[]> pool = new CachingAllocator<>(source, 4);
        long[] a = pool.take(100);                        // class of 112 units
        assertEquals(112, a[0]);
        assertEquals(4 * 112, pool.stats().bytesInUse());
        pool.give(a);
        assertEquals(0, pool.stats().bytesInUse());
        assertEquals(4 * 112, pool.stats().bytesCached());
        assertSame(a, pool.take(105), "a request of the same class takes the cached block");
        assertEquals(1, source.allocations);
        assertEquals(1, pool.stats().blocksReused());
        assertEquals(4 * 112, pool.stats().peakBytesInUse());
    }

    @Test
    void aSlightlyLargerCachedBlockServesASmallerRequest() {
        CountingSource source = new CountingSource();
        CachingAllocator<long[]> pool = new CachingAllocator<>(source, 1);
        long[] big = pool.take(128);
        pool.give(big);
        assertSame(big, pool.take(100), "a class up to twice the size may serve");
        long[] huge = pool.take(1024);
        pool.give(huge);
        long[] small = pool.take(100);
        assertEquals(112, small[0], "a block ten times too large is not used");
    }

    /** The pattern of a training loop: steps that take and return the same sizes stop making blocks. */
    @Test
    void aRepeatedStepMakesNoBlocksAfterTheFirst() {
        CountingSource source = new CountingSource();
        CachingAllocator<long[]> pool = new CachingAllocator<>(source, 4);
        long[] sizes = {1, 64, 65, 1000, 4096, 4097, 100_000, 3, 1000, 1000};
        for (int step = 0; step < 5; step++) {
            int before = source.allocations;
            List<long[]> live = new ArrayList<>();
            for (long n : sizes) {
                live.add(pool.take(n));
            }
            live.forEach(pool::give);
            if (step > 0) {
                assertEquals(before, source.allocations, "step " + step + " made new blocks");
            }
            assertEquals(0, source.frees, "nothing is freed on the way");
        }
        assertEquals(sizes.length, source.allocations);
        assertEquals(0, pool.stats().bytesInUse());
    }

    @Test
    void outOfMemoryFreesTheCacheAndRetriesOnce() {
        CountingSource source = new CountingSource();
        source.budget = 3000;
        CachingAllocator<long[]> pool = new CachingAllocator<>(source, 1);
        pool.give(pool.take(2000));                       // 2048 cached
        long[] b = pool.take(300);                        // 320 (2048 is too large to serve it): 2048 + 320 fits
        pool.give(b);
        long[] c = pool.take(850);                        // 896 does not fit beside 2368 cached: free, retry
        assertEquals(896, c[0]);
        assertEquals(2, source.frees);
        assertEquals(0, pool.stats().bytesCached());
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> pool.take(2100));
        assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
    }

    @Test
    void closeFreesEverythingIncludingBlocksReturnedLater() {
        CountingSource source = new CountingSource();
        CachingAllocator<long[]> pool = new CachingAllocator<>(source, 1);
        long[] kept = pool.take(10);
        pool.give(pool.take(5000));
        pool.close();
        assertEquals(1, source.frees);
        pool.give(kept);
        assertEquals(2, source.frees);
        assertEquals(0, source.held);
        assertThrows(IllegalStateException.class, () -> pool.take(1));
    }

    @Test
    void aForgottenBlockNoLongerCountsAsInUse() {
        CachingAllocator<long[]> pool = new CachingAllocator<>(new CountingSource(), 2);
        long[] a = pool.take(64);
        pool.forget(a);
        assertEquals(0, pool.stats().bytesInUse());
        assertEquals(128, pool.stats().peakBytesInUse());
        assertThrows(IllegalArgumentException.class, () -> pool.give(new long[]{63}));
    }
}
