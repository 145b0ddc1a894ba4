package org.jdna.cuda;

/**
 * Launch-configuration math, kept free of JCuda so it is unit-tested without a GPU.
 *
 * <p>Three shapes cover every kernel here: one thread per element ({@link #linear}), one block per
 * row with a block-wide reduction ({@link #rows}), and square tiles for the fallback GEMM
 * ({@link #gemmTiles}).
 */
public final class Launch {
    /** Threads per block for elementwise kernels. */
    public static final int ELEMENTWISE_BLOCK = 256;
    /** Largest block the kernels are compiled for (and the driver's limit). */
    public static final int MAX_BLOCK = 1024;
    /** Smallest block of the row kernels: one warp. */
    public static final int WARP = 32;
    /** Edge of the fallback GEMM's square tile (must match TILE in gemm.cu). */
    public static final int GEMM_TILE = 16;
    /**
     * Shared memory (static + dynamic) a block may use without asking: 48 KB on every architecture
     * since Kepler. Beyond it, up to the device's opt-in limit (227 KB on Hopper), a kernel must be
     * allowed first with cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES), or its launch fails.
     */
    public static final int DEFAULT_SHARED_LIMIT = 48 * 1024;

    private Launch() {
    }

    /** Number of blocks of {@code block} threads that cover {@code n} items (n >= 1). */
    public static int blocksFor(long n, int block) {
        if (n < 1) {
            throw new IllegalArgumentException("blocksFor: n must be >= 1, got " + n);
        }
        if (block < 1) {
            throw new IllegalArgumentException("blocksFor: block must be >= 1, got " + block);
        }
        long blocks = (n + block - 1) / block;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("blocksFor: " + n + " items need " + blocks + " blocks of " + block
                    + ", over the grid limit");
        }
        return (int) blocks;
    }

    /** One thread per item, {@link #ELEMENTWISE_BLOCK} per block. */
    public static LaunchConfig linear(long n) {
        return new LaunchConfig(blocksFor(n, ELEMENTWISE_BLOCK), 1, 1, ELEMENTWISE_BLOCK, 0);
    }

    /**
     * Threads per block of a row kernel: the smallest power of two >= cols, clamped to
     * [{@link #WARP}, {@code maxBlock}]. Block reductions in the kernels need a power of two.
     */
    public static int rowBlock(int cols, int maxBlock) {
        int b = WARP;
        while (b < cols && b < maxBlock) {
            b <<= 1;
        }
        return Math.min(b, maxBlock);
    }

    /** One block per row (rows >= 1), block from {@link #rowBlock} with at most 256 threads. */
    public static LaunchConfig rows(int rows, int cols) {
        return rows(rows, cols, 256, 0);
    }

    /** One block per row with an explicit block cap and dynamic shared memory. */
    public static LaunchConfig rows(int rows, int cols, int maxBlock, int sharedBytes) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows launch: rows must be >= 1, got " + rows);
        }
        return new LaunchConfig(rows, 1, 1, rowBlock(cols, maxBlock), sharedBytes);
    }

    /** Blocks for a (rows, heads) grid of row blocks: x = rows, y = heads. */
    public static LaunchConfig rowsByHeads(int rows, int heads, int block, int sharedBytes) {
        return new LaunchConfig(rows, heads, 1, block, sharedBytes);
    }

    /**
     * Tiles of the fallback GEMM: x over columns of C (n), y over rows (m), z over the batch;
     * block = TILE*TILE threads. Batches beyond the y/z grid limit are split by the caller.
     */
    public static LaunchConfig gemmTiles(int m, int n, int batch) {
        return new LaunchConfig(blocksFor(n, GEMM_TILE), blocksFor(m, GEMM_TILE), batch,
                GEMM_TILE * GEMM_TILE, 0);
    }

    /**
     * The value to set as a kernel's MAX_DYNAMIC_SHARED_SIZE_BYTES before launching it with
     * {@code dynamicBytes} of dynamic shared memory, given its {@code staticBytes} and the device's
     * per-block opt-in limit {@code optInLimit}: 0 when the launch fits the default 48 KB (nothing to
     * set), else {@code dynamicBytes}. A launch over the opt-in limit is an IllegalArgumentException
     * naming the kernel and both sizes, raised before the driver sees it.
     */
    public static int dynamicSharedOptIn(String kernel, int dynamicBytes, int staticBytes, int optInLimit) {
        long total = (long) dynamicBytes + staticBytes;
        if (total <= DEFAULT_SHARED_LIMIT) {
            return 0;
        }
        if (total > Math.max(optInLimit, DEFAULT_SHARED_LIMIT)) {
            throw new IllegalArgumentException(kernel + ": needs " + total + " bytes of shared memory per block ("
                    + dynamicBytes + " dynamic + " + staticBytes + " static), the device allows " + optInLimit);
        }
        return dynamicBytes;
    }
}
