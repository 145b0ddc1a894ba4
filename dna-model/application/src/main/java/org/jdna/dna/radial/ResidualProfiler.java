package org.jdna.dna.radial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.model.PoolDispatch;
import org.jdna.dna.model.StateObserver;
import org.jdna.dna.model.StepRoutes;
import org.jdna.dna.train.TrainBatch;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.nn.MultiHeadAttention;
import org.jdna.engine.tensor.Tensor;

/**
 * The residual ratio of Radial Networks (docs/method.md section 6): for every block visit of every token,
 * |f(x)| / |x + f(x)| (Euclidean norms over D), where x is the block's input row and x + f(x) its output
 * (every block computes its own residual). The blocks, numbered from 1 as every chart and table of the
 * report numbers steps (pool modules keep their 0-based pool index):
 * <ul>
 *   <li>{@code backbone i}: the dense blocks, from the model's states before and after them;</li>
 *   <li>{@code step s}: at a forced step (a dense layer) the step's module on every token; at a routed step
 *       every non-identity module a token visited, recomputed on the state entering the step with the trace's
 *       dispatch (the same rows and attention segments as the forward pass), unweighted by rho: the block's own
 *       residual, not the step's mixture. Identity visits have f = 0 and are not blocks: they are left out;</li>
 *   <li>{@code step_attn s}: the fixed attention half of a MoE step, when the model has one.</li>
 * </ul>
 * Results are grouped per step (a dense layer for dense models) and, for routed models, per pool module.
 *
 * <p>Legend: N tokens, D width, R dispatch rows.
 */
public final class ResidualProfiler {
    private final DnaModel model;
    private final Map<String, List<Double>> byLayer = new LinkedHashMap<>();
    private final Map<String, List<Double>> byModule = new LinkedHashMap<>();

    public ResidualProfiler(DnaModel model) {
        this.model = model;
    }

    /** Runs the model (eval mode, no gradient) on every batch and collects the ratios. */
    @SuppressWarnings("try") // the scopes are only closed
    public ResidualProfile profile(List<TrainBatch> batches) {
        model.eval();
        try (GradMode.Scope ignored = GradMode.disabled()) {
            for (TrainBatch b : batches) {
                try (MemoryScope scope = MemoryScope.open()) {     // the ratios are host numbers
                    add(b);
                }
            }
        }
        return new ResidualProfile(copy(byLayer), copy(byModule));
    }

    private void add(TrainBatch batch) {
        List<Tensor> states = new ArrayList<>();      // input, backbone 0..N_b-1, step 0..S-1
        StateObserver keep = (stage, index, h) -> states.add(h.detach());
        ModelOutput out = switch (batch) {
            case TrainBatch.Text t -> model.forwardTokens(t.batch().inputs(), t.batch().batch(), keep);
            case TrainBatch.Images i -> model.forwardImages(i.batch().pixels(), i.batch().batch(), keep);
        };
        ModelConfig c = model.config();
        int nb = c.backboneBlocks();
        for (int i = 0; i < nb; i++) {
            record("backbone " + (i + 1), null, states.get(i), states.get(i + 1));
        }
        int seqLen = out.trace().seqLen();
        boolean causal = c.task() == Task.LANGUAGE;
        int[] dense = MultiHeadAttention.denseSegments(out.trace().batch(), seqLen);
        for (int s = 0; s < c.routedSteps(); s++) {
            Tensor h = states.get(nb + s);
            if (model.stepAttention(s) != null) {
                Tensor a = model.stepAttention(s).attentionHalf(h, dense, causal, null);
                record("step_attn " + (s + 1), null, h, a);
                h = a;
            }
            StepRoutes routes = out.trace().steps().get(s);
            int[] allowed = c.allowedModules(s);
            if (allowed.length == 1) {
                if (!c.pool().kind(allowed[0]).isIdentity()) {
                    record("step " + (s + 1), "module " + allowed[0], h, states.get(nb + s + 1));
                }
                continue;
            }
            DispatchPlan plan = DispatchPlan.build(routes.modules(), h.dim(0), c.topK(), c.poolSize(),
                    model.pool().identityMask());
            Tensor y = PoolDispatch.run(model.pool(), h, plan, seqLen, causal);   // (R, D)
            if (y == null) {
                continue;
            }
            float[] hv = h.toArray();
            float[] yv = y.toArray();
            int d = c.width();
            int[] tokenOfRow = plan.tokenOfRow();
            int row = 0;
            for (int e = 0; e < c.poolSize(); e++) {
                for (int r = 0; r < plan.count(e); r++, row++) {
                    int t = tokenOfRow[plan.offset(e) + r];
                    add("step " + (s + 1), "module " + e, ratio(hv, t * d, yv, row * d, d));
                }
            }
        }
    }

    // Rows of x (N, D) against rows of y = x + f(x) (N, D), one ratio per token.
    private void record(String layer, String module, Tensor x, Tensor y) {
        float[] xv = x.toArray();
        float[] yv = y.toArray();
        int d = x.dim(1);
        for (int t = 0; t < x.dim(0); t++) {
            add(layer, module, ratio(xv, t * d, yv, t * d, d));
        }
    }

    private void add(String layer, String module, double ratio) {
        byLayer.computeIfAbsent(layer, k -> new ArrayList<>()).add(ratio);
        if (module != null && !model.isForcedRouting()) {
            byModule.computeIfAbsent(module, k -> new ArrayList<>()).add(ratio);
        }
    }

    /** |y - x| / |y| over D values (0 when y = 0). */
    static double ratio(float[] x, int xFrom, float[] y, int yFrom, int d) {
        double f = 0;
        double out = 0;
        for (int i = 0; i < d; i++) {
            double yi = y[yFrom + i];
            double fi = yi - x[xFrom + i];
            f += fi * fi;
            out += yi * yi;
        }
        return out == 0 ? 0 : Math.sqrt(f / out);
    }

    private static Map<String, double[]> copy(Map<String, List<Double>> m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }
}
