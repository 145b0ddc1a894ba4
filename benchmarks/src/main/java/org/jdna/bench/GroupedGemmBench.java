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
 * The grouped GEMMs of a routed MLP against the plain SGEMM rate of the same work: {@code grouped}
 * runs, per module e of a real routing, xd_e (n_e, D) @ w1_e (D, H) and then pre_e (n_e, H) @ w2_e
 * (H, D), one GEMM per module and projection (the engine's way); {@code single} runs the same two
 * projections as one GEMM each over all N*K rows (one module's weights), which is the backend's
 * SGEMM rate at these shapes (cuBLAS's on the CUDA backend). Both do 4*N*K*D*H FLOPs per call and
 * report GFLOP/s; grouped / single is how much the split into modules costs. No GELU: only GEMMs.
 *
 * <p>Shapes: {@link RoutingShape} (d256: N*K = 8192, D = 256, H = 1024, E = 16).
 */
@State(Scope.Benchmark)
public class GroupedGemmBench extends JdnaBenchmark {

    @Param({"d256", "d512"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Backend backend;
    private RoutingProblem p;
    private double gflopPerCall;

    @Setup
    public void setUp() {
        backend = BenchBackends.create(threads);
        p = new RoutingProblem(RoutingShape.named(shape), backend).route();
        gflopPerCall = p.groupedMlpFlops() / 1e9;
    }

    @TearDown
    public void tearDown() throws Exception {
        BenchBackends.close(backend);
    }

    /** One GEMM per module and projection, on the module-contiguous groups of the dispatch buffer. */
    @Benchmark
    public Storage grouped(Work.Flops work) {
        RoutingShape s = p.shape;
        int d = s.d(), h = s.hidden();
        for (int e = 0; e < s.experts(); e++) {
            int m = p.plan.count(e), r = p.plan.offset(e);
            if (m > 0) {
                backend.matmul().gemm(false, false, m, h, d, 1f, p.xd, r * d, d, 0, p.w1, e * d * h, h, 0,
                        0f, p.pre, r * h, h, 0, 1);
            }
        }
        for (int e = 0; e < s.experts(); e++) {
            int m = p.plan.count(e), r = p.plan.offset(e);
            if (m > 0) {
                backend.matmul().gemm(false, false, m, d, h, 1f, p.pre, r * h, h, 0, p.w2, e * h * d, d, 0,
                        0f, p.y, r * d, d, 0, 1);
            }
        }
        backend.synchronize();
        work.gflop += gflopPerCall;
        return p.y;
    }

    /** The same two projections as one SGEMM each over all N*K rows. */
    @Benchmark
    public Storage single(Work.Flops work) {
        RoutingShape s = p.shape;
        int d = s.d(), h = s.hidden(), rows = s.dispatchRows();
        backend.matmul().gemm(false, false, rows, h, d, 1f, p.xd, 0, d, 0, p.w1, 0, h, 0, 0f, p.pre, 0, h, 0, 1);
        backend.matmul().gemm(false, false, rows, d, h, 1f, p.pre, 0, h, 0, p.w2, 0, d, 0, 0f, p.y, 0, d, 0, 1);
        backend.synchronize();
        work.gflop += gflopPerCall;
        return p.y;
    }
}
