package org.jdna.engine.backend;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.ReadmeSnippets;
import org.jdna.engine.backend.contract.BackendContract;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

// README example starts
// One family's kernel class: it implements the family's interface; nothing forwards to it.
final class LoopReductions implements ReductionKernels {
    @Override
    public void reduce(ReduceOp op, Storage outS, Storage xS, int outer, int len, int inner) {
        float[] out = array(outS), x = array(xS);                      // x (outer, len, inner)
        for (int at = 0; at < outer * inner; at++) {
            double acc = op == ReduceOp.SUM ? 0 : Double.NEGATIVE_INFINITY;
            for (int l = 0; l < len; l++) {
                float v = x[(at / inner * len + l) * inner + at % inner];
                acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
            }
            out[at] = (float) acc;                                      // out (outer, inner)
        }
    }

    @Override
    public double sumOfSquares(Storage xS, int off, int n) {
        float[] x = array(xS);
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += (double) x[i] * x[i];
        }
        return sum;
    }
}

// A backend: memory (here HeapBackend's) and one object per family; the reference's but for one.
final class LoopBackend implements HeapBackend {
    private final HeapPool pool = new HeapPool();
    private final ReductionKernels reductions = new LoopReductions();
    private final Backend base = ReferenceBackend.INSTANCE;

    @Override public String name() { return "loops"; }
    @Override public HeapPool heapPool() { return pool; }
    @Override public ReductionKernels reductions() { return reductions; }
    @Override public ElementwiseKernels elementwise() { return base.elementwise(); }
    @Override public MatmulKernels matmul() { return base.matmul(); }
    @Override public NormKernels norms() { return base.norms(); }
    @Override public IndexingKernels indexing() { return base.indexing(); }
    @Override public AttentionKernels attention() { return base.attention(); }
    @Override public RoutingKernels routing() { return base.routing(); }
    @Override public OptimizerKernels optimizer() { return base.optimizer(); }
}
// README example ends

/**
 * The README's "add a kernel" example, kept compiling and true: a backend assembled from kernel
 * families passes the whole contract suite (its own reductions included), and the README shows
 * exactly the lines between the markers above, with these imports.
 */
class ReadmeKernelExampleTest extends BackendContract {
    private static final String SOURCE = "engine/src/test/java/org/jdna/engine/backend/ReadmeKernelExampleTest.java";

    @Override
    protected Backend backend() {
        return new LoopBackend();
    }

    @Test
    void theReadmeShowsThisExample() {
        ReadmeSnippets.assertReadmeShows("class LoopReductions", SOURCE);
    }
}
