package org.jdna.bench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jdna.bench.HostData;
import org.jdna.bench.Work;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * GemmBench's SGEMM in PyTorch 2.7.1 (libtorch's CPU GEMM, MKL): C (M, N) = A (M, K) @ B (K, N) at
 * the same shapes, on the same data (HostData seeds 11 and 12). DJL has no {@code out=} form, so each
 * call makes C and frees it (libtorch's allocator reuses the block). Reports GFLOP/s.
 */
@State(Scope.Benchmark)
public class PyTorchGemmBench extends PyTorchBenchmark {

    @Param({"4096x256@256x1024", "4096x1024@1024x256", "1024x1024@1024x1024"})
    public String dims;

    @Param({"1", "2"})
    public int threads;

    private NDManager manager;
    private NDArray a, b;
    private double gflopPerCall;

    @Setup
    public void setUp() {
        String[] parts = dims.split("[x@]");
        if (parts.length != 4 || !parts[1].equals(parts[2])) {
            throw new IllegalArgumentException("PyTorchGemmBench: shape must be MxK@KxN, got '" + dims + "'");
        }
        int m = Integer.parseInt(parts[0]), k = Integer.parseInt(parts[1]), n = Integer.parseInt(parts[3]);
        manager = Torch.engine(threads).newBaseManager();
        a = Torch.floats(manager, HostData.gaussian(m * k, 11, 1f), m, k);
        b = Torch.floats(manager, HostData.gaussian(k * n, 12, 1f), k, n);
        gflopPerCall = 2.0 * m * n * k / 1e9;
    }

    @TearDown
    public void tearDown() {
        manager.close();
    }

    /** Returns C after freeing it: the native call cannot be eliminated, and nothing leaks. */
    @Benchmark
    public NDArray sgemm(Work.Flops work) {
        NDArray c = a.matMul(b);
        c.close();
        work.gflop += gflopPerCall;
        return c;
    }
}
