package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * How tokens flow through the pool: module usage per step (all K choices), the effective number of modules
 * per step exp(H(usage)) (H in nats; E when usage is uniform, 1 when one module takes everything), the
 * modules a step never uses, the identity fraction, and the top-1 transitions between consecutive steps.
 *
 * @param usage            (S, E) fraction of each step's N*K routes per module
 * @param top1             (S, E) tokens whose top-1 choice at step s was module i (the flow diagram's nodes)
 * @param effectiveModules (S) exp of the usage entropy
 * @param identityFraction (S) fraction of routes to identity modules
 * @param unusedPerStep    (S) modules with no route at that step
 * @param neverUsed        modules with no route at any step
 * @param transitions      (S-1, E, E) counts of tokens whose top-1 went from module i at step s to j at s+1
 */
public record Flow(double[][] usage, long[][] top1, double[] effectiveModules, double[] identityFraction,
                   List<List<Integer>> unusedPerStep, List<Integer> neverUsed, long[][][] transitions) {

    public static Flow measure(RouteLog log) {
        int steps = log.steps();
        int e = log.poolSize();
        double[][] usage = new double[steps][];
        long[][] top1 = new long[steps][e];
        double[] effective = new double[steps];
        double[] identity = new double[steps];
        List<List<Integer>> unused = new ArrayList<>();
        boolean[] used = new boolean[e];
        for (int s = 0; s < steps; s++) {
            usage[s] = log.usage(s);
            for (int m : log.top1(s)) {
                top1[s][m]++;
            }
            effective[s] = effectiveNumber(usage[s]);
            identity[s] = log.identityFraction(s);
            List<Integer> none = new ArrayList<>();
            for (int m = 0; m < e; m++) {
                if (usage[s][m] == 0) {
                    none.add(m);
                } else {
                    used[m] = true;
                }
            }
            unused.add(List.copyOf(none));
        }
        List<Integer> never = new ArrayList<>();
        for (int m = 0; m < e; m++) {
            if (!used[m]) {
                never.add(m);
            }
        }
        long[][][] transitions = new long[Math.max(0, steps - 1)][e][e];
        for (int s = 0; s + 1 < steps; s++) {
            int[] from = log.top1(s);
            int[] to = log.top1(s + 1);
            for (int n = 0; n < from.length; n++) {
                transitions[s][from[n]][to[n]]++;
            }
        }
        return new Flow(usage, top1, effective, identity, List.copyOf(unused), List.copyOf(never), transitions);
    }

    /** exp(-sum p ln p): the number of equally used modules with the same entropy. */
    public static double effectiveNumber(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return Math.exp(h);
    }
}
