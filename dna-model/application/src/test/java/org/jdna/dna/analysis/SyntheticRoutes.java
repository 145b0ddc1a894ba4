package org.jdna.dna.analysis;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.engine.tensor.Rng;

/** Test helper: routings with known structure over a labelled evaluation set, standing in for a model. */
final class SyntheticRoutes {
    static final ModulePool POOL = ModulePool.of(ModuleKind.TRANSFORMER, 6, ModuleKind.IDENTITY, 2);

    private SyntheticRoutes() {}

    /**
     * "Trained": top-1 at step s follows the label (with 10% noise), the second choice is random and distinct;
     * unlabelled-looking tokens (label 0) go to identity at the last step.
     */
    static RouteLog following(Labeling label, int steps, long seed) {
        Rng rng = new Rng(seed);
        int n = label.size();
        int k = 2;
        int[][] m = new int[steps][n * k];
        for (int s = 0; s < steps; s++) {
            for (int t = 0; t < n; t++) {
                int y = Math.max(0, label.values()[t]);
                int first = rng.nextDouble() < 0.1 ? rng.nextInt(6) : (y * (s + 1)) % 6;
                if (s == steps - 1 && y == 0) {
                    first = 6;
                }
                m[s][t * k] = first;
                m[s][t * k + 1] = other(first, rng);
            }
        }
        return new RouteLog(POOL, k, m);
    }

    /** "Random init": every choice uniform and independent of everything. */
    static RouteLog random(int tokens, int steps, long seed) {
        Rng rng = new Rng(seed);
        int k = 2;
        int[][] m = new int[steps][tokens * k];
        for (int s = 0; s < steps; s++) {
            for (int t = 0; t < tokens; t++) {
                int first = rng.nextInt(POOL.size());
                m[s][t * k] = first;
                m[s][t * k + 1] = other(first, rng);
            }
        }
        return new RouteLog(POOL, k, m);
    }

    private static int other(int first, Rng rng) {
        int second = rng.nextInt(POOL.size() - 1);
        return second >= first ? second + 1 : second;
    }
}
