package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

class MutualInformationTest {
    /** Tags with counts 50, 30, 20: H = -(.5 log .5 + .3 log .3 + .2 log .2) / log 2. */
    private static int[] tags() {
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
        }
        return y;
    }

    private static final double H_TAGS = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2)) / Math.log(2);

    @Test
    void routingThatCopiesTheTagHasMiEqualToTheTagEntropy() {
        int[] y = tags();
        int[] x = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            x[i] = 7 - 3 * y[i]; // a relabelling: modules 7, 4, 1
        }
        MutualInformation mi = MutualInformation.of(x, y);
        assertEquals(H_TAGS, mi.bits(), 1e-12);
        assertEquals(H_TAGS, mi.entropyYBits(), 1e-12);
        assertEquals(1.0, mi.fractionOfY(), 1e-12);
        // Miller-Madow: m_xy = m_x = m_y = 3, so the correction is (3 - 3 - 3 + 1) / (2 N ln 2) = -2 / (200 ln 2)
        assertEquals(H_TAGS + 2 / (200 * Math.log(2)), mi.millerMadowBits(), 1e-12);
    }

    @Test
    void manyToOneRoutingHasMiEqualToTheModuleEntropy() {
        int[] y = new int[120];
        int[] x = new int[120];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 4;
            x[i] = y[i] / 2; // two modules, each takes two tags
        }
        assertEquals(1.0, MutualInformation.of(x, y).bits(), 1e-12);
    }

    @Test
    void twoByTwoTableByHand() {
        // joint counts: (0,0)=30 (0,1)=10 (1,0)=20 (1,1)=40, N = 100
        int[] x = new int[100];
        int[] y = new int[100];
        int i = 0;
        int[][] cells = {{0, 0, 30}, {0, 1, 10}, {1, 0, 20}, {1, 1, 40}};
        for (int[] c : cells) {
            for (int k = 0; k < c[2]; k++, i++) {
                x[i] = c[0];
                y[i] = c[1];
            }
        }
        double expected = 0;
        double[] px = {0.4, 0.6};
        double[] py = {0.5, 0.5};
        for (int[] c : cells) {
            double p = c[2] / 100.0;
            expected += p * Math.log(p / (px[c[0]] * py[c[1]])) / Math.log(2);
        }
        assertEquals(expected, MutualInformation.of(x, y).bits(), 1e-12);
    }

    @Test
    void exactlyIndependentRoutingHasZeroMiAndPValueOne() {
        int n = 13 * 8 * 50;
        int[] y = new int[n];
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 13;
            x[i] = (i / 13) % 8; // every (x, y) cell equally often: the joint is the product of the marginals
        }
        MutualInformation mi = MutualInformation.of(x, y);
        assertEquals(0, mi.bits(), 1e-12);
        PermutationTest t = PermutationTest.run(x, y, 50, 1);
        assertEquals(1.0, t.pValue(), 1e-12);
        assertTrue(t.nullMeanBits() > 0, "shuffles of a finite sample show the plug-in bias");
    }

    @Test
    void randomIndependentRoutingHasSmallMiAndNoSignificance() {
        Rng rng = new Rng(11);
        int n = 20_000;
        int[] x = new int[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(8);
            y[i] = rng.nextInt(13);
        }
        MutualInformation mi = MutualInformation.of(x, y);
        // plug-in bias ~ (8-1)(13-1) / (2 N ln 2) = 0.003 bits
        assertTrue(mi.bits() < 0.01, "plug-in " + mi.bits());
        assertTrue(Math.abs(mi.millerMadowBits()) < mi.bits(), "Miller-Madow removes most of the bias: " + mi);
        PermutationTest t = PermutationTest.run(x, y, 200, 5);
        assertTrue(t.pValue() > 0.05, "p = " + t.pValue());
        assertEquals(mi.bits(), t.observedBits(), 1e-12);
        assertTrue(Math.abs(t.excessBits()) < 0.002, "observed minus null mean " + t.excessBits());
    }

    @Test
    void dependenceIsSignificantAtTheTestsResolution() {
        int[] y = tags();
        int[] x = y.clone();
        PermutationTest t = PermutationTest.run(x, y, 200, 3);
        assertEquals(1.0 / 201, t.pValue(), 1e-12);
        assertEquals(H_TAGS, t.observedBits(), 1e-12);
        assertTrue(t.null95Bits() < 0.2 * H_TAGS);
    }

    @Test
    void permutationTestIsSeeded() {
        Rng rng = new Rng(2);
        int[] x = new int[500];
        int[] y = new int[500];
        for (int i = 0; i < 500; i++) {
            x[i] = rng.nextInt(4);
            y[i] = (x[i] + rng.nextInt(3)) % 5;
        }
        assertEquals(PermutationTest.run(x, y, 40, 9), PermutationTest.run(x, y, 40, 9));
    }

    @Test
    void sortedJointCountsAgreeWithTheDenseTable() {
        Rng rng = new Rng(4);
        int n = 5000;
        int[] x = new int[n];
        int[] xBig = new int[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(50);
            y[i] = (x[i] * 7 + rng.nextInt(5)) % 13;
            xBig[i] = x[i] * 400_000; // same partition, but x cardinality * y cardinality > the dense limit
        }
        assertTrue((long) MutualInformation.cardinality(xBig) * 13 > MutualInformation.DENSE_LIMIT);
        MutualInformation dense = MutualInformation.of(x, y);
        MutualInformation sorted = MutualInformation.of(xBig, y);
        assertEquals(dense.bits(), sorted.bits(), 1e-12);
        assertEquals(dense.millerMadowBits(), sorted.millerMadowBits(), 1e-12);
    }

    @Test
    void unpairedOrNegativeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MutualInformation.of(new int[3], new int[4]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MutualInformation.of(new int[]{0, -2}, new int[]{0, 1}));
        assertTrue(e.getMessage().contains("-2 at index 1"), e.getMessage());
    }
}
