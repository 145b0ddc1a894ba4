package org.jdna.simd;

import java.lang.management.ManagementFactory;

import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The GEMM micro-kernel must keep its accumulators in registers however late C2 compiles it. This
 * class runs in a JVM of its own (the {@code late-compile} execution of this module's pom) in which
 * {@code GemmMicroKernel.full} is compiled 8x later than usual. When the kernel's epilogue was a
 * helper method taking the accumulators, that helper was hot enough to be compiled on its own first;
 * C2 then refused to inline it into {@code full} ("already compiled into a big method"), the vectors
 * passed to it were boxed, and the k loop allocated a box per accumulator per iteration: GEMM ran 3x
 * slower and allocated ~860 KB per 64 x 64 x 64 product. In a normal JVM that compile order came up
 * at random in one JVM in 4 to 13 (benchmarks/README.md, "Fixed"); here it came up every time.
 */
class GemmLateCompileTest {

    @Test
    void gemmAllocatesNoVectorsWhenItsKernelIsCompiledLate() {
        int m = 64;
        int n = 64;
        int k = 64;
        int budget = 2048; // bytes per call: the loop bodies and lambdas of a call, not its vectors
        try (SimdBackend b = new SimdBackend(1)) {
            Storage a = SimdBackendSetupTest.upload(b, new Rng(1), m * k);
            Storage w = SimdBackendSetupTest.upload(b, new Rng(2), k * n);
            Storage c = b.allocate(m * n);
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long perCall = -1;
            for (int round = 0; round < 3000; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int call = 0; call < 20; call++) {
                    // every alpha / beta branch of the epilogue taken, as in a training step
                    float alpha = call % 4 < 2 ? 1f : 0.125f;
                    float beta = call % 2 == 0 ? 0f : 1f;
                    b.matmul().gemm(false, false, m, n, k, alpha, a, 0, k, 0, w, 0, n, 0, beta, c, 0, n, 0, 1);
                }
                perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 20;
                if (round >= 2000 && perCall <= budget) {
                    return; // well past the (late) C2 compile of the kernel
                }
            }
            throw new AssertionError(b.description() + ": a " + m + " x " + n + " x " + k + " GEMM still allocates "
                    + perCall + " bytes per call after 3000 rounds (budget " + budget + "): the micro-kernel's"
                    + " vectors are boxed");
        }
    }
}
