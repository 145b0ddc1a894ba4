package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

class SpecializationTest {
    static final ModulePool POOL = ModulePool.of(ModuleKind.TRANSFORMER, 6, ModuleKind.IDENTITY, 2);
    static final List<String> TAGS = List.of("_", "NOUN", "VERB", "DET");

    /** Tags of 4000 tokens drawn with probabilities .4 .3 .2 .1. */
    static int[] tags(long seed) {
        Rng rng = new Rng(seed);
        int[] y = new int[4000];
        for (int i = 0; i < y.length; i++) {
            double u = rng.nextDouble();
            y[i] = u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
        }
        return y;
    }

    static double entropy(int[] y, int classes) {
        long[] c = new long[classes];
        for (int v : y) {
            c[v]++;
        }
        return MutualInformation.entropyBits(c, y.length);
    }

    @Test
    void aRoutingThatCopiesTheTagHasMiEqualToTheTagEntropyAtEveryStep() {
        int[] y = tags(1);
        int n = y.length;
        int[][] modules = new int[3][n];
        for (int i = 0; i < n; i++) {
            modules[0][i] = y[i];          // module = tag
            modules[1][i] = 5 - y[i];      // a relabelling
            modules[2][i] = 6 + y[i] % 2;  // only the tag's parity: two identity modules
        }
        RouteLog log = new RouteLog(POOL, 1, modules);
        Labeling tag = new Labeling("tag", y, TAGS);
        Specialization s = Specialization.measure(log, PathCounts.of(log), List.of(tag), 100, 7, 3);
        double h = entropy(y, 4);
        List<Specialization.Measurement> steps = s.perStep("tag");
        assertEquals(3, steps.size());
        assertEquals(h, steps.get(0).mi().bits(), 1e-12);
        assertEquals(h, steps.get(1).mi().bits(), 1e-12);
        assertTrue(steps.get(2).mi().bits() < h - 0.5, "parity keeps less than H(tag)");
        for (Specialization.Measurement m : steps) {
            assertEquals(1.0 / 101, m.test().pValue(), 1e-12, "step " + m.step());
        }
        assertEquals(h, s.perPath().getFirst().mi().bits(), 1e-12);
        assertEquals(Specialization.PATH_STEP, s.perPath().getFirst().step());

        // Module 0 at step 0 holds exactly the "_" tokens: fraction 1, lift 1 / P("_").
        Specialization.ModuleProfile m0 = s.modules().stream().filter(p -> p.step() == 0 && p.module() == 0)
                .findFirst().orElseThrow();
        Specialization.Share top = m0.top().get("tag").getFirst();
        assertEquals("_", top.name());
        assertEquals(1.0, top.fraction(), 1e-12);
        long underscores = java.util.Arrays.stream(y).filter(v -> v == 0).count();
        assertEquals(n / (double) underscores, top.lift(), 1e-12);
        assertEquals(underscores / (double) n, m0.share(), 1e-12);
    }

    @Test
    void anIndependentRoutingHasMiNearZeroAndALargePValue() {
        int[] y = tags(2);
        Rng rng = new Rng(3);
        int[][] modules = new int[2][y.length];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < y.length; i++) {
                modules[s][i] = rng.nextInt(POOL.size());
            }
        }
        RouteLog log = new RouteLog(POOL, 1, modules);
        Specialization s = Specialization.measure(log, PathCounts.of(log), List.of(new Labeling("tag", y, TAGS)), 200,
                11, 3);
        for (Specialization.Measurement m : s.perStep()) {
            assertTrue(m.mi().bits() < 0.01, "step " + m.step() + ": " + m.mi());
            assertTrue(m.test().pValue() > 0.05, "step " + m.step() + ": p = " + m.test().pValue());
            assertTrue(Math.abs(m.test().excessBits()) < 0.005, "step " + m.step() + ": " + m.test());
        }
        // The path has 64 values: plug-in MI is biased up, the null mean shows by how much.
        Specialization.Measurement path = s.perPath().getFirst();
        assertTrue(path.test().nullMeanBits() > 0.01, path.test().toString());
        assertTrue(path.test().pValue() > 0.05, path.test().toString());
    }

    @Test
    void excludedTokensAreLeftOut() {
        // Words are routed by tag, spaces ("_", excluded) at random: MI over words only is H(word tags).
        int[] y = tags(4);
        Rng rng = new Rng(5);
        int[] words = new int[y.length];
        int[][] modules = new int[1][y.length];
        for (int i = 0; i < y.length; i++) {
            words[i] = y[i] == 0 ? Labeling.EXCLUDED : y[i];
            modules[0][i] = y[i] == 0 ? rng.nextInt(4) : y[i];
        }
        RouteLog log = new RouteLog(POOL, 1, modules);
        Labeling wordTag = new Labeling("word tag", words, TAGS);
        Specialization s = Specialization.measure(log, PathCounts.of(log), List.of(wordTag), 20, 1, 3);
        int[] kept = java.util.Arrays.stream(words).filter(v -> v >= 0).toArray();
        assertEquals(entropy(kept, 4), s.perStep().getFirst().mi().bits(), 1e-12);
        assertEquals(kept.length, s.perStep().getFirst().mi().samples());
    }
}
