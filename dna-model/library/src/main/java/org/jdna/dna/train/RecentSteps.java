package org.jdna.dna.train;

import java.util.ArrayDeque;
import java.util.Deque;

import org.jdna.dna.model.RoutingTrace;

/**
 * The last {@code capacity} optimizer steps: their training loss and, per routed step, the identity
 * fraction and module usage. Averaged, they say what the controller has converged to (docs/method.md
 * section 3) and where the training loss ended, for the summary.
 */
final class RecentSteps {
    private final int capacity;
    private final Deque<Double> losses = new ArrayDeque<>();
    private final Deque<double[]> identity = new ArrayDeque<>();
    private final Deque<double[][]> usage = new ArrayDeque<>();

    RecentSteps(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** A window of a tenth of the run's steps, at least 10 (fewer if the run is shorter). */
    static RecentSteps forRun(long steps) {
        return new RecentSteps((int) Math.max(10, Math.min(Integer.MAX_VALUE, steps / 10)));
    }

    void add(double loss, RoutingTrace trace) {
        add(loss, identityFractions(trace), moduleUsage(trace));
    }

    void add(double loss, double[] identityPerStep, double[][] usagePerStep) {
        losses.addLast(loss);
        identity.addLast(identityPerStep);
        usage.addLast(usagePerStep);
        if (losses.size() > capacity) {
            losses.removeFirst();
            identity.removeFirst();
            usage.removeFirst();
        }
    }

    int size() { return losses.size(); }

    /** Mean training loss over the window (NaN when empty). */
    double meanLoss() {
        return losses.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Mean identity fraction of each routed step over the window, (S); empty when no step ran. */
    double[] meanIdentity() {
        if (identity.isEmpty()) {
            return new double[0];
        }
        double[] m = new double[identity.peekFirst().length];
        for (double[] f : identity) {
            for (int s = 0; s < m.length; s++) {
                m[s] += f[s] / identity.size();
            }
        }
        return m;
    }

    /** Mean fraction of routes to each module at each routed step over the window, (S, E). */
    double[][] meanUsage() {
        if (usage.isEmpty()) {
            return new double[0][];
        }
        double[][] first = usage.peekFirst();
        double[][] m = new double[first.length][];
        for (int s = 0; s < m.length; s++) {
            m[s] = new double[first[s].length];
        }
        for (double[][] u : usage) {
            for (int s = 0; s < m.length; s++) {
                for (int e = 0; e < m[s].length; e++) {
                    m[s][e] += u[s][e] / usage.size();
                }
            }
        }
        return m;
    }

    /** Identity fraction of each routed step of one batch, (S). */
    static double[] identityFractions(RoutingTrace trace) {
        double[] f = new double[trace.steps().size()];
        for (int s = 0; s < f.length; s++) {
            f[s] = trace.identityFraction(s);
        }
        return f;
    }

    /** Fraction of routes to each module at each routed step of one batch, (S, E). */
    static double[][] moduleUsage(RoutingTrace trace) {
        double[][] u = new double[trace.steps().size()][];
        for (int s = 0; s < u.length; s++) {
            u[s] = trace.usage(s);
        }
        return u;
    }

    /** Mean of the entries, NaN for none. */
    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
