package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each path occurs over an evaluation set, ranked: rank 1 is the most frequent path; equal counts
 * are ordered by the path itself (lexicographic), so the ranking is deterministic.
 *
 * @param ranked      distinct paths, most frequent first
 * @param counts      counts[r] = tokens whose path is ranked[r], non-increasing
 * @param rankOfToken (N) the 0-based rank of each token's path: a dense path id, used as a label for MI
 */
public record PathCounts(List<ModulePath> ranked, long[] counts, int[] rankOfToken) {
    public PathCounts {
        ranked = List.copyOf(ranked);
    }

    public static PathCounts of(RouteLog log) {
        Map<ModulePath, Integer> index = new HashMap<>();
        List<ModulePath> paths = new ArrayList<>();
        int[] idOfToken = new int[log.tokens()];
        List<long[]> tally = new ArrayList<>();
        for (int n = 0; n < log.tokens(); n++) {
            ModulePath p = new ModulePath(log.path(n));
            Integer id = index.get(p);
            if (id == null) {
                id = paths.size();
                index.put(p, id);
                paths.add(p);
                tally.add(new long[1]);
            }
            tally.get(id)[0]++;
            idOfToken[n] = id;
        }
        Integer[] order = new Integer[paths.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Long.compare(tally.get(b)[0], tally.get(a)[0]);
            return c != 0 ? c : paths.get(a).compareTo(paths.get(b));
        });
        int[] rankOfId = new int[order.length];
        List<ModulePath> ranked = new ArrayList<>(order.length);
        long[] counts = new long[order.length];
        for (int r = 0; r < order.length; r++) {
            rankOfId[order[r]] = r;
            ranked.add(paths.get(order[r]));
            counts[r] = tally.get(order[r])[0];
        }
        int[] rankOfToken = new int[idOfToken.length];
        for (int n = 0; n < idOfToken.length; n++) {
            rankOfToken[n] = rankOfId[idOfToken[n]];
        }
        return new PathCounts(ranked, counts, rankOfToken);
    }

    /** Distinct paths observed. */
    public int distinct() { return counts.length; }

    /** N, tokens counted. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** Tokens on paths seen exactly once. */
    public int singletons() {
        int s = 0;
        for (long c : counts) {
            if (c == 1) {
                s++;
            }
        }
        return s;
    }

    /** Fraction of tokens on the {@code top} most frequent paths. */
    public double coverage(int top) {
        long covered = 0;
        for (int r = 0; r < Math.min(top, counts.length); r++) {
            covered += counts[r];
        }
        long total = total();
        return total == 0 ? 0 : covered / (double) total;
    }
}
