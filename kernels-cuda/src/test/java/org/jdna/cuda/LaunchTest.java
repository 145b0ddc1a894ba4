package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaunchTest {

    @Test
    void blocksCoverEveryItemExactlyOnceRoundedUp() {
        assertEquals(1, Launch.blocksFor(1, 256));
        assertEquals(1, Launch.blocksFor(256, 256));
        assertEquals(2, Launch.blocksFor(257, 256));
        assertEquals(4096, Launch.blocksFor(4096L * 256, 256));
        for (long n = 1; n < 2000; n += 37) {
            int b = Launch.blocksFor(n, 128);
            assertTrue((long) b * 128 >= n && (long) (b - 1) * 128 < n, "n=" + n + " blocks=" + b);
        }
    }

    @Test
    void blocksRejectEmptyAndOversizedGrids() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Launch.blocksFor(0, 256));
        assertTrue(e.getMessage().contains("n must be >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Launch.blocksFor(10, 0));
        assertThrows(IllegalArgumentException.class, () -> Launch.blocksFor(1L << 40, 1));
    }

    @Test
    void linearUsesTheElementwiseBlock() {
        LaunchConfig c = Launch.linear(1000);
        assertEquals(new LaunchConfig(4, 1, 1, 256, 0), c);
        assertEquals(1024, c.threads());
    }

    @Test
    void rowBlockIsAPowerOfTwoBetweenAWarpAndTheCap() {
        assertEquals(32, Launch.rowBlock(0, 256));
        assertEquals(32, Launch.rowBlock(1, 256));
        assertEquals(32, Launch.rowBlock(32, 256));
        assertEquals(64, Launch.rowBlock(33, 256));
        assertEquals(256, Launch.rowBlock(200, 256));
        assertEquals(256, Launch.rowBlock(50_000, 256));
        assertEquals(1024, Launch.rowBlock(50_000, 1024));
        for (int cols = 0; cols < 3000; cols += 13) {
            int b = Launch.rowBlock(cols, 1024);
            assertEquals(0, b & (b - 1), "power of two for cols " + cols);
        }
    }

    @Test
    void rowsLaunchOneBlockPerRow() {
        assertEquals(new LaunchConfig(4096, 1, 1, 256, 0), Launch.rows(4096, 1024));
        assertEquals(new LaunchConfig(3, 1, 1, 128, 64), Launch.rows(3, 100, 128, 64));
        assertThrows(IllegalArgumentException.class, () -> Launch.rows(0, 10));
    }

    @Test
    void gemmTilesCoverTheOutput() {
        LaunchConfig c = Launch.gemmTiles(33, 17, 5);
        assertEquals(new LaunchConfig(2, 3, 5, Launch.GEMM_TILE * Launch.GEMM_TILE, 0), c);
    }

    @Test
    void launchConfigRejectsImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 1, 1, 2048, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 70_000, 1, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(0, 1, 1, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 1, 1, 32, -1));
    }

    @Test
    void attentionSharedMemoryMatchesTheKernelsLayout() {
        // forward: qs[Dh], acc[Dh], ps[BLOCK] floats
        assertEquals(4 * (2 * 64 + AttentionKernels.BLOCK), AttentionKernels.forwardShared(64));
        assertEquals(4 * (3 * 64 + AttentionKernels.BLOCK), AttentionKernels.dqShared(64));
        assertEquals(4 * (4 * 64 + 2 * AttentionKernels.BLOCK), AttentionKernels.dkdvShared(64));
        assertTrue(AttentionKernels.dkdvShared(1024) <= 48 * 1024, "head dim 1024 fits the default 48 KB");
    }

    @Test
    void segmentsAreCheckedBeforeUpload() {
        assertEquals(10, AttentionKernels.checkSegments("attention", new int[] {0, 4, 4, 10}, false));
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                () -> AttentionKernels.checkSegments("attention", new int[] {1, 4}, false));
        assertTrue(start.getMessage().contains("segments[0] = 1"), start.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttentionKernels.checkSegments("attention", new int[] {0, 5, 3}, false));
        IllegalArgumentException masked = assertThrows(IllegalArgumentException.class,
                () -> AttentionKernels.checkSegments("attention", new int[] {0, 4, 9}, true));
        assertTrue(masked.getMessage().contains("same length"), masked.getMessage());
    }
}
