package org.jdna.dna.analysis;

import java.util.List;

import org.jdna.dna.config.ModulePool;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.dna.model.StepRoutes;

/**
 * The routing decisions of a whole evaluation set: the traces of its batches laid end to end, so token n
 * of the log is token n of the evaluation set (batch after batch, each batch row-major (B, T)).
 * Letters: N tokens (or patches) of the set, S routed steps, K top-k, E pool size.
 */
public final class RouteLog {
    private final ModulePool pool;
    private final int topK;
    private final int tokens;
    private final int[][] modules; // per step s: (N, K) row-major, best choice first

    /**
     * @param modules one (N, K) row-major array of module indices per routed step
     */
    public RouteLog(ModulePool pool, int topK, int[][] modules) {
        if (topK < 1) {
            throw new IllegalArgumentException("RouteLog: topK = " + topK + " must be >= 1");
        }
        int n = modules.length == 0 ? 0 : modules[0].length / topK;
        for (int s = 0; s < modules.length; s++) {
            if (modules[s].length != n * topK || modules[s].length % topK != 0) {
                throw new IllegalArgumentException("RouteLog: step " + s + " has " + modules[s].length
                        + " routes; every step needs N*K = " + n + "*" + topK);
            }
            for (int i = 0; i < modules[s].length; i++) {
                int m = modules[s][i];
                if (m < 0 || m >= pool.size()) {
                    throw new IllegalArgumentException("RouteLog: step " + s + " route " + i + " names module " + m
                            + ", outside the pool of E = " + pool.size());
                }
            }
        }
        this.pool = pool;
        this.topK = topK;
        this.tokens = n;
        this.modules = modules;
    }

    /** Concatenates the traces of consecutive batches (all from one model: same pool, K and S). */
    public static RouteLog of(List<RoutingTrace> traces) {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("RouteLog.of: no traces");
        }
        RoutingTrace first = traces.getFirst();
        int steps = first.steps().size();
        int total = 0;
        for (RoutingTrace t : traces) {
            if (t.steps().size() != steps || t.topK() != first.topK() || !t.pool().equals(first.pool())) {
                throw new IllegalArgumentException("RouteLog.of: trace with S = " + t.steps().size() + ", K = "
                        + t.topK() + ", pool " + t.pool() + " does not match the first (S = " + steps + ", K = "
                        + first.topK() + ", pool " + first.pool() + ")");
            }
            total += t.tokens();
        }
        int k = first.topK();
        int[][] modules = new int[steps][total * k];
        int at = 0;
        for (RoutingTrace t : traces) {
            for (int s = 0; s < steps; s++) {
                StepRoutes r = t.steps().get(s);
                if (r.modules().length != t.tokens() * k) {
                    throw new IllegalArgumentException("RouteLog.of: step " + s + " of a trace has "
                            + r.modules().length + " routes for N*K = " + t.tokens() + "*" + k);
                }
                System.arraycopy(r.modules(), 0, modules[s], at * k, r.modules().length);
            }
            at += t.tokens();
        }
        return new RouteLog(first.pool(), k, modules);
    }

    public ModulePool pool() { return pool; }

    public int topK() { return topK; }

    /** N, tokens (or patches) in the log. */
    public int tokens() { return tokens; }

    /** S, routed steps. */
    public int steps() { return modules.length; }

    /** E. */
    public int poolSize() { return pool.size(); }

    /** The k-th choice of token n at step s. */
    public int module(int step, int token, int k) { return modules[step][token * topK + k]; }

    /** The top-1 choice of every token at step s, (N). */
    public int[] top1(int step) {
        int[] out = new int[tokens];
        for (int n = 0; n < tokens; n++) {
            out[n] = modules[step][n * topK];
        }
        return out;
    }

    /** Token n's path: its top-1 module at every routed step, (S). */
    public int[] path(int token) {
        int[] p = new int[modules.length];
        for (int s = 0; s < p.length; s++) {
            p[s] = modules[s][token * topK];
        }
        return p;
    }

    /** Non-identity module visits of token n over all steps and all K choices (0..S*K). */
    public int computeVisits(int token) {
        int visits = 0;
        for (int[] step : modules) {
            for (int k = 0; k < topK; k++) {
                if (!pool.kind(step[token * topK + k]).isIdentity()) {
                    visits++;
                }
            }
        }
        return visits;
    }

    /** Fraction of the N*K routes of step s that went to each module, (E); sums to 1 when N > 0. */
    public double[] usage(int step) {
        double[] u = new double[pool.size()];
        int[] m = modules[step];
        for (int module : m) {
            u[module]++;
        }
        for (int i = 0; i < u.length; i++) {
            u[i] = m.length == 0 ? 0 : u[i] / m.length;
        }
        return u;
    }

    /** Fraction of the N*K routes of step s that went to identity modules. */
    public double identityFraction(int step) {
        double[] u = usage(step);
        double f = 0;
        for (int i = 0; i < u.length; i++) {
            if (pool.kind(i).isIdentity()) {
                f += u[i];
            }
        }
        return f;
    }
}
