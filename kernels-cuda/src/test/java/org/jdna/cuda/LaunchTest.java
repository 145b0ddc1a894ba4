package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Launch-configuration math and the sizes the launchers ask for, on the host. */
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

    /**
     * The shared memory layout each attention kernel documents (attention.cu: "shared: qs[Dh],
     * acc[Dh], ps[blockDim]") and declares (float* qs = sh; ...), read from the source: the regions
     * named in the comment must be the pointers carved out of sh, in order, and the Java sizes must
     * add up the regions' lengths.
     */
    @Test
    void attentionSharedMemoryIsTheLayoutTheKernelsDeclare() throws IOException {
        String source = Files.readString(Path.of("src/main/cuda/attention.cu"));
        Map<String, IntUnaryOperator> java = Map.of(
                "attention_forward_f32", CudaAttention::forwardShared,
                "attention_backward_dq_f32", CudaAttention::dqShared,
                "attention_backward_dkdv_f32", CudaAttention::dkdvShared);
        for (Map.Entry<String, IntUnaryOperator> kernel : java.entrySet()) {
            int at = source.indexOf("extern \"C\" __global__ void " + kernel.getKey() + "(");
            assertTrue(at > 0, kernel.getKey() + " not in attention.cu");
            // the comment block right above the kernel
            String before = source.substring(source.lastIndexOf("\n\n", at) + 2, at);
            String doc = before.lines().map(l -> l.replaceFirst("^//\\s?", "")).reduce("", (a, b) -> a + " " + b);
            Matcher regions = Pattern.compile("(\\w+)\\[(Dh|blockDim)\\]").matcher(doc.substring(doc.indexOf("shared:")));
            List<String> names = new ArrayList<>();
            int dh = 0, block = 0;
            while (regions.find()) {
                names.add(regions.group(1));
                if (regions.group(2).equals("Dh")) {
                    dh++;
                } else {
                    block++;
                }
            }
            String body = source.substring(at, source.indexOf("blockIdx.x", at)); // the declarations of sh
            Matcher pointers = Pattern.compile("float\\* (\\w+) = (sh|\\w+ \\+)").matcher(body);
            List<String> declared = new ArrayList<>();
            while (pointers.find()) {
                declared.add(pointers.group(1));
            }
            assertEquals(names, declared, kernel.getKey() + ": regions in the comment against pointers into sh");
            for (int headDim : new int[] {1, 16, 64, 100}) {
                assertEquals(4 * (dh * headDim + block * CudaAttention.BLOCK), kernel.getValue().applyAsInt(headDim),
                        kernel.getKey() + " at head dim " + headDim);
            }
        }
    }

    @Test
    void sharedMemoryBeyond48KbMustBeAskedForAndFitTheDevice() {
        assertEquals(0, Launch.dynamicSharedOptIn("k", 0, 0, 0));
        assertEquals(0, Launch.dynamicSharedOptIn("k", 48 * 1024 - 384, 384, 227 * 1024), "exactly 48 KB in all");
        assertEquals(48 * 1024 - 383, Launch.dynamicSharedOptIn("k", 48 * 1024 - 383, 384, 227 * 1024));
        assertEquals(200_000, Launch.dynamicSharedOptIn("k", 200_000, 384, 227 * 1024));
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
                () -> Launch.dynamicSharedOptIn("attention/dkdv", 232_100, 384, 227 * 1024));
        assertEquals("attention/dkdv: needs 232484 bytes of shared memory per block (232100 dynamic + 384 static),"
                + " the device allows 232448", over.getMessage());
        // attention at GPT-2's head dim stays within the default; at 4096 its backward needs the opt-in
        assertEquals(0, Launch.dynamicSharedOptIn("dkdv", CudaAttention.dkdvShared(64), 384, 227 * 1024));
        assertTrue(Launch.dynamicSharedOptIn("dq", CudaAttention.dqShared(4096), 384, 227 * 1024) > 0);
    }

    @Test
    void segmentsAreCheckedBeforeUpload() {
        assertEquals(10, CudaAttention.checkSegments("attention", new int[] {0, 4, 4, 10}, false));
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                () -> CudaAttention.checkSegments("attention", new int[] {1, 4}, false));
        assertTrue(start.getMessage().contains("segments[0] = 1"), start.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaAttention.checkSegments("attention", new int[] {0, 5, 3}, false));
        IllegalArgumentException masked = assertThrows(IllegalArgumentException.class,
                () -> CudaAttention.checkSegments("attention", new int[] {0, 4, 9}, true));
        assertTrue(masked.getMessage().contains("same length"), masked.getMessage());
    }
}
