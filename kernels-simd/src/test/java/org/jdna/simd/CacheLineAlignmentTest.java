package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The offsets that put a packed GEMM panel on a cache line (the tests run with native access enabled). */
class CacheLineAlignmentTest {
    @Test
    void theOffsetLeadsFromTheArraysFirstFloatToACacheLine() {
        assertTrue(CacheLineAlignment.isKnown(), "the test JVM has --enable-native-access (pom.xml jdna.testJvmArgs)");
        int[] seen = new int[16];
        for (int i = 0; i < 64; i++) {
            float[] array = new float[100 + i];          // lengths that move the next array's start
            long address = CacheLineAlignment.address(array);
            int skip = CacheLineAlignment.floatsToLine(array);
            assertTrue(address > 0 && address % Float.BYTES == 0, "address " + address);
            assertTrue(skip >= 0 && skip < 16, "skip " + skip);
            assertEquals(0, (address + (long) skip * Float.BYTES) % 64, "address " + address + ", skip " + skip);
            seen[skip]++;
        }
        // the heap hands out arrays at 8- or 16-byte steps, so more than one offset must come up
        assertTrue(java.util.Arrays.stream(seen).filter(n -> n > 0).count() > 1, java.util.Arrays.toString(seen));
    }
}
