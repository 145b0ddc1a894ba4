package org.jdna.dna.model;

import java.util.List;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;

/**
 * Every routing decision of one forward pass, kept for the controller, the metrics and the analysis.
 * Token n of the batch is sequence n / seqLen, position n % seqLen.
 *
 * @param batch   B sequences (or images)
 * @param seqLen  T tokens per sequence (or patches per image)
 * @param topK    K
 * @param pool    the E modules (kinds tell which are identity)
 * @param steps   one entry per routed step s = 0..S-1
 */
public record RoutingTrace(int batch, int seqLen, int topK, ModulePool pool, List<StepRoutes> steps) {
    public RoutingTrace {
        steps = List.copyOf(steps);
    }

    /** N = B*T. */
    public int tokens() { return batch * seqLen; }

    /** Fraction of the N*K routes of step s that went to identity modules. */
    public double identityFraction(int step) {
        int[] m = steps.get(step).modules();
        int identity = 0;
        for (int module : m) {
            if (pool.kind(module) == ModuleKind.IDENTITY) {
                identity++;
            }
        }
        return m.length == 0 ? 0 : identity / (double) m.length;
    }

    /** Fraction of the routes of step s that went to each module, (E). */
    public double[] usage(int step) {
        double[] u = new double[pool.size()];
        int[] m = steps.get(step).modules();
        for (int module : m) {
            u[module] += 1.0 / m.length;
        }
        return u;
    }

    /** The module chosen first (the top-1 choice) by token n at every step: its path, (S). */
    public int[] path(int token) {
        int[] p = new int[steps.size()];
        for (int s = 0; s < p.length; s++) {
            p[s] = steps.get(s).modules()[token * topK];
        }
        return p;
    }

    /** Non-identity module visits of token n over all steps (its routed compute, in module visits). */
    public int computeVisits(int token) {
        int visits = 0;
        for (StepRoutes step : steps) {
            for (int k = 0; k < topK; k++) {
                if (pool.kind(step.modules()[token * topK + k]) != ModuleKind.IDENTITY) {
                    visits++;
                }
            }
        }
        return visits;
    }
}
