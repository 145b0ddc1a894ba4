package org.jdna.engine.backend.contract;

import org.jdna.engine.backend.Backend;

/**
 * The contract suite every backend passes: each primitive of every kernel family of {@link Backend}
 * runs on {@link #backend()} and on the reference with the same seeded inputs and is compared under
 * named {@link Tolerance}s. A backend module adds one class:
 *
 * <pre>{@code
 * class SimdBackendContractTest extends BackendContract {
 *     @Override protected Backend backend() { return new SimdBackend(...); }
 * }
 * }</pre>
 *
 * The tests themselves live in the chain this class closes: {@link CoreContract} (memory, layout,
 * elementwise, reductions, GEMM, AdamW), {@link NormsContract} (softmax, norms, losses),
 * {@link RoutingContract} (indexing, top-k, combine), {@link AttentionContract} and
 * {@link DeterminismContract} (the same bits on every run and on one thread).
 */
public abstract class BackendContract extends DeterminismContract {
}
