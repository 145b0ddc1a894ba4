package org.jdna.simd;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * Where a heap float[] lies relative to a 64-byte cache line, so that a packed GEMM panel can start
 * on a line boundary: a 512-bit load that straddles two lines costs two L1 accesses, and the
 * micro-kernel's B loads, all equally misaligned, then ran at 141 instead of 160 GFLOP/s from L1
 * (Intel Xeon, AVX-512; benchmarks/results/design-measurements.md, "Packed panels on cache lines").
 *
 * <p>Java does not say where an array lies. A critical downcall may take a heap segment and
 * hands the native side the array's current address; memmove(p, p, 0) gives it back. The answer
 * holds until the collector moves the array, and a stale one only costs speed, never correctness.
 * Downcalls are restricted methods: without {@code --enable-native-access} the JVM would print a
 * warning, so then this asks nothing and every array counts as aligned (offset 0, the speed of
 * before).
 */
final class CacheLineAlignment {
    private static final int LINE_BYTES = 64;
    /** memmove(dst, src, n) returns dst; null when native access is not enabled (or no libc). */
    private static final MethodHandle MEMMOVE = memmove();

    private CacheLineAlignment() {
    }

    /** Floats to skip from {@code array[0]} to reach the next cache-line boundary: 0 to 15. */
    static int floatsToLine(float[] array) {
        long address = address(array);
        return address < 0 ? 0 : (int) ((LINE_BYTES - address % LINE_BYTES) % LINE_BYTES) / Float.BYTES;
    }

    /** Where {@code array[0]} lies now, or -1 when that cannot be asked. */
    static long address(float[] array) {
        if (MEMMOVE == null) {
            return -1;
        }
        try {
            MemorySegment heap = MemorySegment.ofArray(array);
            return ((MemorySegment) MEMMOVE.invokeExact(heap, heap, 0L)).address();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** True when the offsets are real (native access enabled), false when they are all 0. */
    static boolean isKnown() {
        return MEMMOVE != null;
    }

    private static MethodHandle memmove() {
        boolean enabled = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("--enable-native-access"));
        if (!enabled) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memmove")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true)))
                    .orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
