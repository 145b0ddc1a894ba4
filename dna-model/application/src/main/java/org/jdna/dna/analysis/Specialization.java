package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Do modules specialise? Mutual information between the module a token chose (top-1, at each routed step, and
 * its whole path) and each labeling, with a permutation-test p-value, plus what each module sees most.
 *
 * @param perStep per labeling and step: MI(top-1 module at step s; label)
 * @param perPath per labeling: MI(path; label), step = -1 (many categories: read it with the null mean)
 * @param modules per step and used module: its share of the step's tokens and its most frequent labels
 */
public record Specialization(List<Measurement> perStep, List<Measurement> perPath, List<ModuleProfile> modules) {
    public static final int PATH_STEP = -1;

    public Specialization {
        perStep = List.copyOf(perStep);
        perPath = List.copyOf(perPath);
        modules = List.copyOf(modules);
    }

    /** One MI measurement: {@code step} = -1 means the whole path. */
    public record Measurement(String label, int step, MutualInformation mi, PermutationTest test) {}

    /** One label among a module's tokens: its count, fraction of the module's tokens, and lift over its base rate. */
    public record Share(String name, long count, double fraction, double lift) {}

    /**
     * @param tokens tokens whose top-1 choice at this step was this module
     * @param share  tokens / N
     * @param top    per labeling, its most frequent labels among those tokens
     */
    public record ModuleProfile(int step, int module, String kind, long tokens, double share,
                                Map<String, List<Share>> top) {}

    /** The measurements of one labeling, per step in order. */
    public List<Measurement> perStep(String label) {
        return perStep.stream().filter(m -> m.label().equals(label)).toList();
    }

    public static Specialization measure(RouteLog log, PathCounts paths, List<Labeling> labelings, int permutations,
                                         long seed, int topPerModule) {
        List<Measurement> perStep = new ArrayList<>();
        List<Measurement> perPath = new ArrayList<>();
        for (int l = 0; l < labelings.size(); l++) {
            Labeling labeling = labelings.get(l);
            for (int s = 0; s < log.steps(); s++) {
                perStep.add(measure(labeling, s, log.top1(s), permutations, seed + 1000L * l + s));
            }
            perPath.add(measure(labeling, PATH_STEP, paths.rankOfToken(), permutations, seed + 1000L * l + 999));
        }
        List<ModuleProfile> profiles = new ArrayList<>();
        for (int s = 0; s < log.steps(); s++) {
            profiles.addAll(profiles(log, s, labelings, topPerModule));
        }
        return new Specialization(perStep, perPath, profiles);
    }

    static Measurement measure(Labeling labeling, int step, int[] choice, int permutations, long seed) {
        int[][] xy = labeling.pairedWith(choice);
        MutualInformation mi = MutualInformation.of(xy[0], xy[1]);
        PermutationTest test = PermutationTest.run(xy[0], xy[1], permutations, seed);
        return new Measurement(labeling.name(), step, mi, test);
    }

    static List<ModuleProfile> profiles(RouteLog log, int step, List<Labeling> labelings, int topPerModule) {
        int[] choice = log.top1(step);
        int e = log.poolSize();
        long[] perModule = new long[e];
        for (int m : choice) {
            perModule[m]++;
        }
        List<long[][]> joint = new ArrayList<>(); // per labeling: (E, classes) counts
        List<long[]> base = new ArrayList<>();
        for (Labeling lab : labelings) {
            long[][] c = new long[e][lab.classes().size()];
            long[] b = new long[lab.classes().size()];
            for (int n = 0; n < choice.length; n++) {
                int y = lab.values()[n];
                if (y != Labeling.EXCLUDED) {
                    c[choice[n]][y]++;
                    b[y]++;
                }
            }
            joint.add(c);
            base.add(b);
        }
        List<ModuleProfile> out = new ArrayList<>();
        for (int m = 0; m < e; m++) {
            if (perModule[m] == 0) {
                continue;
            }
            Map<String, List<Share>> top = new LinkedHashMap<>();
            for (int l = 0; l < labelings.size(); l++) {
                top.put(labelings.get(l).name(), topShares(joint.get(l)[m], base.get(l), labelings.get(l).classes(),
                        topPerModule));
            }
            out.add(new ModuleProfile(step, m, log.pool().kind(m).jsonName(), perModule[m],
                    choice.length == 0 ? 0 : perModule[m] / (double) choice.length, top));
        }
        return out;
    }

    /** The most frequent labels of one module, ties by label id. */
    static List<Share> topShares(long[] counts, long[] base, List<String> names, int top) {
        long inModule = 0;
        long all = 0;
        for (int y = 0; y < counts.length; y++) {
            inModule += counts[y];
            all += base[y];
        }
        List<Integer> order = new ArrayList<>();
        for (int y = 0; y < counts.length; y++) {
            if (counts[y] > 0) {
                order.add(y);
            }
        }
        order.sort((a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
        List<Share> shares = new ArrayList<>();
        for (int y : order.subList(0, Math.min(top, order.size()))) {
            double fraction = counts[y] / (double) inModule;
            double lift = fraction / (base[y] / (double) all);
            shares.add(new Share(names.get(y), counts[y], fraction, lift));
        }
        return shares;
    }
}
