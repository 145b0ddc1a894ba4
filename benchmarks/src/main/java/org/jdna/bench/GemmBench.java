package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SGEMM C (M, N) = A (M, K) @ B (K, N), row-major, no transposes, at the GEMM shapes of the routed
 * MLP (issue 2, acceptance 3): 4096x256 @ 256x1024 (up-projection), 4096x1024 @ 1024x256
 * (down-projection) and 1024^3. Reports GFLOP/s (2*M*N*K per call); OpenBLAS's rate at the same
 * shapes comes from {@code peers/pytorch_routing.py}.
 */
@State(Scope.Benchmark)
public class GemmBench extends JdnaBenchmark {

    /** "MxK@KxN" (named dims, not shape, so that -p shape=d256 for the routing benchmarks leaves it alone). */
    @Param({"4096x256@256x1024", "4096x1024@1024x256", "1024x1024@1024x1024"})
    public String dims;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private int m, n, k;
    private Storage a, b, c;
    private double gflopPerCall;

    @Setup
    public void setUp() {
        String[] parts = dims.split("[x@]");
        if (parts.length != 4 || !parts[1].equals(parts[2])) {
            throw new IllegalArgumentException("GemmBench: shape must be MxK@KxN, got '" + dims + "'");
        }
        m = Integer.parseInt(parts[0]);
        k = Integer.parseInt(parts[1]);
        n = Integer.parseInt(parts[3]);
        backend = BenchBackends.create(threads);
        a = HostData.gaussian(backend, m * k, 11, 1f);
        b = HostData.gaussian(backend, k * n, 12, 1f);
        c = backend.allocate(m * n);
        gflopPerCall = 2.0 * m * n * k / 1e9;
    }

    @TearDown
    public void tearDown() throws Exception {
        BenchBackends.close(backend);
    }

    @Benchmark
    public Storage sgemm(Work.Flops work) {
        backend.matmul().gemm(false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, 0, 0f, c, 0, n, 0, 1);
        backend.synchronize();
        work.gflop += gflopPerCall;
        return c;
    }
}
