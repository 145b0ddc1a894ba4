package org.jdna.cuda;

import java.util.ArrayList;
import java.util.List;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendUnavailableException;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * Every GEMM route the backend can take (cuBLAS through JCublas, cuBLAS through FFM, the built-in
 * tiled kernel), not only the one it chose, against the reference: all four transpose cases, padded
 * leading dimensions, batches with strides, k not a multiple of the kernel's tile, beta != 0, and
 * beta = 0 over a C full of NaN (C must not be read). A cuBLAS route that cannot load here is skipped
 * with its reason; the kernel route must always run. Skipped without CUDA, failing where a device is
 * present but the backend does not start.
 */
class CudaGemmRoutesTest {
    private static final Backend REFERENCE = ReferenceBackend.INSTANCE;

    /** transA, transB, m, n, k, batch, alpha, beta. */
    private static final Object[][] CASES = {
            {false, false, 1, 1, 1, 1, 1f, 0f},
            {false, false, 17, 33, 65, 1, 1f, 0f},
            {true, false, 64, 48, 40, 1, 0.5f, 2f},
            {false, true, 33, 17, 100, 3, 1f, 1f},
            {true, true, 20, 30, 7, 2, -1f, 0f},
            {false, false, 256, 300, 129, 1, 1f, 0f},
    };

    @BeforeEach
    void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jcublas", "ffm", "kernel"})
    void everyRouteComputesTheReferenceProduct(String mode) {
        CudaBackend cuda = CudaAssumptions.cuda();
        try (GemmRoute route = routeOrSkip(cuda, mode)) {
            everyCase(cuda, route, mode);
        }
    }

    private static void everyCase(CudaBackend cuda, GemmRoute route, String mode) {
        Rng rng = new Rng(20240611L).fork("gemm routes " + mode);
        List<String> failures = new ArrayList<>();
        for (Object[] c : CASES) {
            boolean transA = (boolean) c[0], transB = (boolean) c[1];
            int m = (int) c[2], n = (int) c[3], k = (int) c[4], batch = (int) c[5];
            float alpha = (float) c[6], beta = (float) c[7];
            int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
            int strideA = (transA ? k : m) * lda + 5, strideB = (transB ? n : k) * ldb, strideC = m * ldc + 7;
            float[] a = normal(rng, batch * strideA + 4), b = normal(rng, batch * strideB + 2);
            float[] c0 = normal(rng, batch * strideC + 3);
            if (beta == 0f) {
                java.util.Arrays.fill(c0, Float.NaN);
            }
            float[] expected = run(REFERENCE, null, transA, transB, m, n, k, alpha, a, 4, lda, strideA, b, 2, ldb,
                    strideB, beta, c0, 3, ldc, strideC, batch);
            float[] actual = run(cuda, route, transA, transB, m, n, k, alpha, a, 4, lda, strideA, b, 2, ldb, strideB,
                    beta, c0, 3, ldc, strideC, batch);
            // with beta = 0 the padding between rows of C is never written: its NaN stays on both sides
            try {
                Compare.assertClose("", expected, actual, Tolerance.GEMM);
            } catch (AssertionFailedError e) {
                failures.add(mode + " " + java.util.Arrays.toString(c) + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionFailedError(route.description() + ":\n" + String.join("\n", failures));
        }
    }

    /**
     * A times the identity is A exactly in FP32, whatever the order of the adds (the other terms are
     * 0). A's entries 1 + c * 2^-20 need 21 bits of mantissa: TF32 (cuBLAS's TF32 tensor-op math,
     * 10 bits) rounds them to 1, which fails here, as it would fail the gradient checks' tolerances.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jcublas", "ffm", "kernel"})
    void everyRouteMultipliesInFullFp32NotTf32(String mode) {
        CudaBackend cuda = CudaAssumptions.cuda();
        try (GemmRoute route = routeOrSkip(cuda, mode)) {
            identityProducts(cuda, route);
        }
    }

    private static void identityProducts(CudaBackend cuda, GemmRoute route) {
        int size = 128;
        float[] a = new float[size * size];
        float[] identity = new float[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                a[i * size + j] = 1f + (1 + (i + j) % 7) * 0x1p-20f;
            }
            identity[i * size + i] = 1f;
        }
        float[] c0 = new float[size * size];
        for (boolean transB : new boolean[] {false, true}) {
            float[] actual = run(cuda, route, false, transB, size, size, size, 1f, a, 0, size, 0, identity, 0, size, 0,
                    0f, c0, 0, size, 0, 1);
            Compare.assertSameBits(route.description() + ": A * I, transB=" + transB, a, actual);
        }
    }

    @Test
    void kZeroScalesCThroughTheBackend() {
        Backend cuda = CudaAssumptions.backend();
        float[] c0 = {1, 2, 3, 4, 5, 6};
        for (Backend be : new Backend[] {REFERENCE, cuda}) {
            Storage a = be.allocate(1), b = be.allocate(1), c = be.allocate(6);
            be.copyIn(c, 0, c0, 0, 6);
            be.matmul().gemm(false, false, 2, 3, 0, 1f, a, 0, 1, 0, b, 0, 3, 0, 0.5f, c, 0, 3, 0, 1);
            float[] out = new float[6];
            be.copyOut(c, 0, out, 0, 6);
            Compare.assertClose("k = 0 on " + be.name(), new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, out, Tolerance.EXACT);
        }
    }

    private static float[] run(Backend be, GemmRoute route, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda, int strideA, float[] b, int bOff, int ldb,
                               int strideB, float beta, float[] c, int cOff, int ldc, int strideC, int batch) {
        Storage sa = be.allocate(a.length), sb = be.allocate(b.length), sc = be.allocate(c.length);
        try {
            be.copyIn(sa, 0, a, 0, a.length);
            be.copyIn(sb, 0, b, 0, b.length);
            be.copyIn(sc, 0, c, 0, c.length);
            if (route == null) {
                be.matmul().gemm(transA, transB, m, n, k, alpha, sa, aOff, lda, strideA, sb, bOff, ldb, strideB,
                        beta, sc, cOff, ldc, strideC, batch);
            } else {
                route.gemm(transA, transB, m, n, k, alpha, (CudaStorage) sa, aOff, lda, strideA, (CudaStorage) sb, bOff,
                        ldb, strideB, beta, (CudaStorage) sc, cOff, ldc, strideC, batch);
            }
            float[] out = new float[c.length];
            be.copyOut(sc, 0, out, 0, out.length);
            return out;
        } finally {
            sa.close();
            sb.close();
            sc.close();
        }
    }

    private static float[] normal(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** The route {@code mode} of {@code cuda}, a new one (its handle closed by the caller); a library route that cannot load here skips, the built-in kernel must load. */
    private static GemmRoute routeOrSkip(CudaBackend cuda, String mode) {
        try {
            return cuda.gemmRoute(mode);
        } catch (BackendUnavailableException e) {
            if (mode.equals("kernel")) {
                throw new AssertionFailedError("the built-in kernel route must always load", e);
            }
            Assumptions.abort("GEMM route " + mode + " cannot load here: " + e.getMessage());
            throw new AssertionError("unreachable: abort throws");
        }
    }
}