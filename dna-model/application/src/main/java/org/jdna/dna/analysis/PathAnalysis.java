package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The paths of an evaluation set: how many distinct ones, how concentrated, the power-law fits of the
 * rank-frequency list, and the most frequent paths with example tokens in context.
 *
 * @param distinct      distinct paths observed
 * @param tokens        N
 * @param singletons    paths seen exactly once
 * @param top10Coverage fraction of tokens on the 10 most frequent paths
 * @param leastSquares  slope of the log-log plot ({@link PowerLaw#leastSquares})
 * @param maximumLikelihood Zipf exponent by maximum likelihood ({@link PowerLaw#zipfMle})
 * @param frequent      the most frequent paths
 * @param rankedCounts  count of every rank, most frequent first (the rank-frequency plot)
 */
public record PathAnalysis(int distinct, long tokens, int singletons, double top10Coverage,
                           PowerLaw.LogLogFit leastSquares, PowerLaw.ZipfFit maximumLikelihood,
                           List<FrequentPath> frequent, long[] rankedCounts) {
    public PathAnalysis {
        frequent = List.copyOf(frequent);
    }

    /**
     * @param rank     1-based
     * @param path     module indices, "3 > 1 > 4"
     * @param modules  the same as numbers
     * @param share    count / N
     * @param topLabels most frequent classes of the primary labeling on this path
     * @param examples tokens on this path, spread over the set
     */
    public record FrequentPath(int rank, String path, int[] modules, long count, double share,
                               List<Specialization.Share> topLabels, List<TokenExample> examples) {}

    /** A token of the set and its context (text around it, or image and patch). */
    public record TokenExample(int token, String context) {}

    public static PathAnalysis of(PathCounts counts, Labeling primary, IntFunction<String> context, int top,
                                  int examplesPerPath) {
        long n = counts.total();
        PowerLaw.Fits fits = PowerLaw.Fits.of(counts.counts());
        int shown = Math.min(top, counts.distinct());
        // Tokens of each shown rank, in order of appearance.
        List<List<Integer>> members = new ArrayList<>();
        for (int r = 0; r < shown; r++) {
            members.add(new ArrayList<>());
        }
        int[] rankOf = counts.rankOfToken();
        for (int t = 0; t < rankOf.length; t++) {
            if (rankOf[t] < shown) {
                members.get(rankOf[t]).add(t);
            }
        }
        List<FrequentPath> frequent = new ArrayList<>();
        for (int r = 0; r < shown; r++) {
            List<Integer> on = members.get(r);
            List<TokenExample> examples = new ArrayList<>();
            int k = Math.min(examplesPerPath, on.size());
            for (int i = 0; i < k; i++) {
                int token = on.get((int) ((i + 0.5) * on.size() / k));
                examples.add(new TokenExample(token, context.apply(token)));
            }
            List<Specialization.Share> labels = primary == null ? List.of() : labelShares(on, primary, 3);
            ModulePath p = counts.ranked().get(r);
            frequent.add(new FrequentPath(r + 1, p.toString(), p.modules(), counts.counts()[r],
                    n == 0 ? 0 : counts.counts()[r] / (double) n, labels, examples));
        }
        return new PathAnalysis(counts.distinct(), n, counts.singletons(), counts.coverage(10), fits.leastSquares(),
                fits.maximumLikelihood(), frequent, counts.counts().clone());
    }

    private static List<Specialization.Share> labelShares(List<Integer> tokens, Labeling labeling, int top) {
        long[] counts = new long[labeling.classes().size()];
        long[] base = new long[counts.length];
        for (int v : labeling.values()) {
            if (v != Labeling.EXCLUDED) {
                base[v]++;
            }
        }
        for (int t : tokens) {
            int v = labeling.values()[t];
            if (v != Labeling.EXCLUDED) {
                counts[v]++;
            }
        }
        return Specialization.topShares(counts, base, labeling.classes(), top);
    }
}
