package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.dna.model.StepRoutes;
import org.junit.jupiter.api.Test;

class RouteLogTest {
    static final ModulePool POOL = ModulePool.of(ModuleKind.TRANSFORMER, 3, ModuleKind.IDENTITY, 1); // 0..2, 3 = id

    static StepRoutes step(int... modules) {
        return new StepRoutes(modules, new float[modules.length], new float[POOL.size()]);
    }

    @Test
    void concatenatesBatchesAndAnswersLikeTheTrace() {
        // K = 2; batch 1: 2 tokens, batch 2: 1 token; S = 2
        RoutingTrace a = new RoutingTrace(1, 2, 2, POOL, List.of(step(0, 3, 1, 2), step(2, 0, 3, 1)));
        RoutingTrace b = new RoutingTrace(1, 1, 2, POOL, List.of(step(3, 0), step(1, 3)));
        RouteLog log = RouteLog.of(List.of(a, b));
        assertEquals(3, log.tokens());
        assertEquals(2, log.steps());
        assertArrayEquals(new int[]{0, 2}, log.path(0));
        assertArrayEquals(new int[]{1, 3}, log.path(1));
        assertArrayEquals(new int[]{3, 1}, log.path(2));
        assertArrayEquals(a.path(1), log.path(1));
        assertEquals(a.computeVisits(0), log.computeVisits(0));
        assertEquals(3, log.computeVisits(0)); // 0, (3 id), 2, 0
        assertEquals(3, log.computeVisits(1)); // 1, 2, (3 id), 1
        assertEquals(2, log.computeVisits(2)); // (3 id), 0, 1, (3 id)
        assertArrayEquals(new double[]{2 / 6.0, 1 / 6.0, 1 / 6.0, 2 / 6.0}, log.usage(0), 1e-12);
        assertEquals(2 / 6.0, log.identityFraction(0), 1e-12);
        assertArrayEquals(new int[]{0, 1, 3}, log.top1(0));
    }

    @Test
    void mismatchedTracesAndBadIndicesAreRefused() {
        RoutingTrace a = new RoutingTrace(1, 1, 1, POOL, List.of(step(0)));
        RoutingTrace twoSteps = new RoutingTrace(1, 1, 1, POOL, List.of(step(0), step(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouteLog.of(List.of(a, twoSteps)));
        assertTrue(e.getMessage().contains("S = 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RouteLog(POOL, 1, new int[][]{{0, 4}}));
        assertTrue(e.getMessage().contains("module 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RouteLog.of(List.of()));
    }

    @Test
    void pathCountsRankByFrequencyThenByPath() {
        // paths: t0 (1,1) t1 (0,2) t2 (1,1) t3 (0,2) t4 (2,0) t5 (0,1)
        RouteLog log = new RouteLog(POOL, 1, new int[][]{{1, 0, 1, 0, 2, 0}, {1, 2, 1, 2, 0, 1}});
        PathCounts c = PathCounts.of(log);
        assertEquals(4, c.distinct());
        assertArrayEquals(new long[]{2, 2, 1, 1}, c.counts());
        assertEquals("0 > 2", c.ranked().get(0).toString()); // tie with (1,1): lexicographic first
        assertEquals("1 > 1", c.ranked().get(1).toString());
        assertEquals("0 > 1", c.ranked().get(2).toString());
        assertEquals("2 > 0", c.ranked().get(3).toString());
        assertArrayEquals(new int[]{1, 0, 1, 0, 3, 2}, c.rankOfToken());
        assertEquals(2, c.singletons());
        assertEquals(6, c.total());
        assertEquals(4 / 6.0, c.coverage(2), 1e-12);
    }

    @Test
    void flowUsageEffectiveModulesUnusedAndTransitions() {
        // S = 2, K = 1, 4 tokens: step 0 uses 0,1,2,3 equally (effective 4); step 1 sends all to module 1
        RouteLog log = new RouteLog(POOL, 1, new int[][]{{0, 1, 2, 3}, {1, 1, 1, 1}});
        Flow f = Flow.measure(log);
        assertEquals(4.0, f.effectiveModules()[0], 1e-12);
        assertEquals(1.0, f.effectiveModules()[1], 1e-12);
        assertEquals(0.25, f.identityFraction()[0], 1e-12);
        assertEquals(0.0, f.identityFraction()[1], 1e-12);
        assertEquals(List.of(), f.unusedPerStep().get(0));
        assertEquals(List.of(0, 2, 3), f.unusedPerStep().get(1));
        assertEquals(List.of(), f.neverUsed());
        assertEquals(1, f.transitions().length);
        assertEquals(1, f.transitions()[0][3][1]);
        assertEquals(0, f.transitions()[0][1][0]);
        long total = 0;
        for (long[] row : f.transitions()[0]) {
            for (long v : row) {
                total += v;
            }
        }
        assertEquals(4, total);
        assertEquals(Math.exp(-(0.5 * Math.log(0.5) * 2)), Flow.effectiveNumber(new double[]{0.5, 0, 0.5}), 1e-12);
    }

    @Test
    void computeAllocationHistogramsMeansAndExtremes() {
        // S = 2, K = 1, 6 tokens; identity = module 3. visits: t0 2, t1 1, t2 0, t3 2, t4 1, t5 2
        RouteLog log = new RouteLog(POOL, 1, new int[][]{{0, 3, 3, 1, 2, 0}, {1, 1, 3, 2, 3, 0}});
        Labeling tag = new Labeling("tag", new int[]{0, 1, 1, 0, Labeling.EXCLUDED, 0}, List.of("A", "B"));
        ComputeAllocation c = ComputeAllocation.measure(log, "token", 1, tag, t -> "t" + t, 2);
        assertArrayEquals(new int[]{0, 1, 2}, c.perToken().values());
        assertArrayEquals(new long[]{1, 2, 3}, c.perToken().counts());
        assertEquals(8 / 6.0, c.meanPerToken(), 1e-12);
        assertEquals(2, c.maxPerToken());
        assertEquals(List.of(new ComputeAllocation.LabelMean("A", 3, 2.0), new ComputeAllocation.LabelMean("B", 2, 0.5)),
                c.byLabel());
        assertEquals(2, c.most().size());
        assertTrue(c.most().stream().allMatch(u -> u.visits() == 2));
        assertEquals(new ComputeAllocation.UnitExample(2, 0, "t2"), c.least().getFirst());
        assertEquals(1, c.least().get(1).visits());

        // units of 3 tokens: unit 0 = t0..t2 = 3 visits, unit 1 = t3..t5 = 5
        ComputeAllocation images = ComputeAllocation.measure(log, "image", 3, null, u -> "u" + u, 1);
        assertArrayEquals(new int[]{3, 4, 5}, images.perUnit().values());
        assertArrayEquals(new long[]{1, 0, 1}, images.perUnit().counts());
        assertEquals(1, images.most().getFirst().unit());
        assertThrows(IllegalArgumentException.class, () -> ComputeAllocation.measure(log, "image", 4, null, u -> "", 1));
    }
}
