package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.HeapBackend;
import org.jdna.engine.backend.HeapPool;
import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.RoutingKernels;

/**
 * The plain scalar reference backend: THE specification of every {@link Backend} primitive.
 * Single-threaded loops over heap arrays, sums and dot products accumulated in double, results
 * rounded once to float. Speed is not a goal; being obviously right is.
 *
 * <p>Memory is {@link HeapBackend}'s; each kernel family is one class of this package
 * ({@link ReferenceElementwise}, {@link ReferenceReductions}, {@link ReferenceGemm},
 * {@link ReferenceNorms}, {@link ReferenceIndexing}, {@link ReferenceAttention},
 * {@link ReferenceRouting}, {@link ReferenceOptimizer}). The families hold no state, so fast backends
 * may run a family's reference loops for primitives that are not hot.
 */
public final class ReferenceBackend implements HeapBackend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private final HeapPool pool = new HeapPool();
    private final ElementwiseKernels elementwise = new ReferenceElementwise();
    private final ReductionKernels reductions = new ReferenceReductions();
    private final MatmulKernels matmul = new ReferenceGemm();
    private final NormKernels norms = new ReferenceNorms();
    private final IndexingKernels indexing = new ReferenceIndexing();
    private final AttentionKernels attention = new ReferenceAttention();
    private final RoutingKernels routing = new ReferenceRouting();
    private final OptimizerKernels optimizer = new ReferenceOptimizer();

    private ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (scalar, single-threaded, double accumulation)";
    }

    @Override
    public HeapPool heapPool() {
        return pool;
    }

    @Override public ElementwiseKernels elementwise() { return elementwise; }
    @Override public ReductionKernels reductions() { return reductions; }
    @Override public MatmulKernels matmul() { return matmul; }
    @Override public NormKernels norms() { return norms; }
    @Override public IndexingKernels indexing() { return indexing; }
    @Override public AttentionKernels attention() { return attention; }
    @Override public RoutingKernels routing() { return routing; }
    @Override public OptimizerKernels optimizer() { return optimizer; }
}
