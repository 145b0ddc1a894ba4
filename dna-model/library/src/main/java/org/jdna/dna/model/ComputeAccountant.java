package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.Task;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.nn.MultiHeadAttention;

/**
 * Parameters, active parameters and forward FLOPs of one batch, from its routing trace (issue 4,
 * Accounting). The rules:
 * <ul>
 *   <li><b>total</b>: every trainable parameter (tied weights once);</li>
 *   <li><b>active per token</b>: the parameters a token's forward touches, averaged over the batch's
 *       tokens: the backbone, the router of every step (norm and matrix), each non-identity module it
 *       visited (once per visit: a module chosen at two steps counts twice), the output node (norm,
 *       head matrix and bias); embedding tables are not counted (a lookup uses one row), as GPT-2
 *       papers do, but the unembedding matrix is, tied or not; for vision the patch embedding counts
 *       (a matmul) and the class token and position table do not;</li>
 *   <li><b>forward FLOPs per token</b>: {@link FlopCounter}'s count of what ran: the backbone on all
 *       rows with one segment per sequence, each router on all N tokens (D -> E), each non-identity
 *       module on exactly the rows dispatched to it with attention over its actual per-sequence
 *       segments (causal pairs for language), the unembedding on every token (language) or the head
 *       once per image (vision), the patch embedding on every patch; divided by N = B * L, the
 *       positions the blocks see (tokens, or patches plus the class token).</li>
 * </ul>
 */
final class ComputeAccountant {
    private final ModelConfig config;
    private final Pool pool;
    private final long totalParameters;
    private final long fixedActive;        // backbone + routers + output node (+ patch embedding)

    ComputeAccountant(ModelConfig config, Pool pool, long totalParameters, long fixedActive) {
        this.config = config;
        this.pool = pool;
        this.totalParameters = totalParameters;
        this.fixedActive = fixedActive;
    }

    ComputeAccount account(RoutingTrace trace) {
        if (trace.steps().size() != config.routedSteps() || trace.pool().size() != pool.size()
                || trace.topK() != config.topK()) {
            throw new IllegalArgumentException("DnaModel.account: the trace (S = " + trace.steps().size() + ", E = "
                    + trace.pool().size() + ", K = " + trace.topK() + ") is not from this model (S = "
                    + config.routedSteps() + ", E = " + pool.size() + ", K = " + config.topK() + ")");
        }
        int b = trace.batch();
        int l = trace.seqLen();
        int n = trace.tokens();
        int d = config.width();
        int h = config.mlpHidden();
        boolean causal = config.task() == Task.LANGUAGE;
        double flops = 0;
        if (config.task() == Task.VISION) {
            flops += FlopCounter.linear((long) b * config.vision().patches(), config.vision().patchValues(), d);
            flops += FlopCounter.linear(b, d, config.vision().classes());
        } else {
            flops += FlopCounter.linear(n, d, config.vocabSize());
        }
        int[] dense = MultiHeadAttention.denseSegments(b, l);
        flops += config.backboneBlocks() * FlopCounter.module(ModuleKind.TRANSFORMER, n, dense, causal, d, h);
        double routedParameters = 0;
        boolean[] identity = pool.identityMask();
        for (int s = 0; s < trace.steps().size(); s++) {
            StepRoutes step = trace.steps().get(s);
            int[] allowed = config.allowedModules(s);
            if (config.stepAttention()) {
                flops += FlopCounter.module(ModuleKind.ATTENTION, n, dense, causal, d, h);
            }
            if (allowed.length > 1) {
                int r = config.routerHidden();
                flops += r > 0 ? FlopCounter.linear(n, d, r) + FlopCounter.linear(n, r, allowed.length)
                        : FlopCounter.linear(n, d, allowed.length);
            } else {
                // A forced step runs its module once on every token (its K slots repeat the same module).
                if (!pool.kind(allowed[0]).isIdentity()) {
                    flops += FlopCounter.module(pool.kind(allowed[0]), n, dense, causal, d, config.poolHidden());
                    routedParameters += (double) n * pool.parameterCount(allowed[0]);
                }
                continue;
            }
            DispatchPlan plan = DispatchPlan.build(step.modules(), n, trace.topK(), pool.size(), identity);
            for (int e = 0; e < pool.size(); e++) {
                int rows = plan.count(e);
                if (rows > 0) {
                    flops += FlopCounter.module(pool.kind(e), rows, plan.segments(e, l), causal, d, config.poolHidden());
                    routedParameters += (double) rows * pool.parameterCount(e);
                }
            }
        }
        return new ComputeAccount(totalParameters, fixedActive + routedParameters / n, flops / n);
    }
}
