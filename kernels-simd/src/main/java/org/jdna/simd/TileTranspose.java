package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes one L x L tile of floats (L = the lane count): the L vectors at
 * src[srcOff + a*srcStride], a in [0, L), become the L vectors at dst[dstOff + a*dstStride], so
 * that dst vector a holds lane a of every src vector. Used to turn L rows into L columns and back.
 *
 * <p>One stage per bit d of the lane index swaps that bit between the vector number and the lane:
 * for each vector pair (a, a+d), a's lanes with bit d set trade places with b's lanes without it (a
 * lane swap by d and a blend each). The whole tile stays in registers (log2(L) * L swaps and
 * blends, L loads and L stores): 16 lanes take 16 of AVX-512's 32 registers plus temporaries.
 * (16 lanes once went through dst stage by stage, four loads and stores per vector, which made
 * top-k markedly slower: benchmarks/results/design-measurements.md, TileTranspose.)
 */
final class TileTranspose {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Lane i <- lane (i xor d), and the lanes whose bit d is set; null where d >= L. */
    private static final VectorShuffle<Float> XOR_1 = xorShuffle(1);
    private static final VectorShuffle<Float> XOR_2 = xorShuffle(2);
    private static final VectorShuffle<Float> XOR_4 = xorShuffle(4);
    private static final VectorShuffle<Float> XOR_8 = xorShuffle(8);
    private static final VectorMask<Float> BIT_1 = bitMask(1);
    private static final VectorMask<Float> BIT_2 = bitMask(2);
    private static final VectorMask<Float> BIT_4 = bitMask(4);
    private static final VectorMask<Float> BIT_8 = bitMask(8);

    private TileTranspose() {
    }

    private static VectorShuffle<Float> xorShuffle(int d) {
        if (S == null || d >= L) {
            return null;
        }
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = i ^ d;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    private static VectorMask<Float> bitMask(int d) {
        if (S == null || d >= L) {
            return null;
        }
        boolean[] set = new boolean[L];
        for (int i = 0; i < L; i++) {
            set[i] = (i & d) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /**
     * Transposes blocks * tilesPerBlock tiles: tile (b, t) from src[srcOff + b*srcBlock + t*srcTile]
     * (its vectors srcStride apart) to dst[dstOff + b*dstBlock + t*dstTile] (dstStride apart); src
     * and dst must not overlap.
     *
     * <p>The 8-lane tile is written out here rather than called, which keeps this method above
     * C2's FreqInlineSize (325 bytecodes): it is never inlined, so it compiles as a unit of its own.
     * Inlined into the top-k driver together with the other phases, the transposes pushed C2 past
     * its node budget (NodeCountInliningCutoff), which left vector operations of the other phases
     * uninlined: boxed, allocating and slow.
     *
     * <p>Each stage pairs vectors d lanes apart: a.blend(b.rearrange(swap), bit) is the lower vector
     * of a pair after the stage, a.rearrange(swap).blend(b, bit) the upper. They are written out, not
     * called through helpers taking vectors: a helper that C2 compiled on its own before this method
     * is not inlined ("already compiled into a big method"), and then every vector passed is boxed.
     */
    static void transposeTiles(float[] src, int srcOff, int srcStride, int srcBlock, int srcTile,
                               float[] dst, int dstOff, int dstStride, int dstBlock, int dstTile,
                               int blocks, int tilesPerBlock) {
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < tilesPerBlock; t++) {
                int so = srcOff + b * srcBlock + t * srcTile;
                int dOff = dstOff + b * dstBlock + t * dstTile;
                if (L == 8) {
                    int ss = srcStride;
                    int ds = dstStride;
                    FloatVector a0 = FloatVector.fromArray(S, src, so);
                    FloatVector a1 = FloatVector.fromArray(S, src, so + ss);
                    FloatVector a2 = FloatVector.fromArray(S, src, so + 2 * ss);
                    FloatVector a3 = FloatVector.fromArray(S, src, so + 3 * ss);
                    FloatVector a4 = FloatVector.fromArray(S, src, so + 4 * ss);
                    FloatVector a5 = FloatVector.fromArray(S, src, so + 5 * ss);
                    FloatVector a6 = FloatVector.fromArray(S, src, so + 6 * ss);
                    FloatVector a7 = FloatVector.fromArray(S, src, so + 7 * ss);
                    FloatVector b0 = a0.blend(a4.rearrange(XOR_4), BIT_4);
                    FloatVector b4 = a0.rearrange(XOR_4).blend(a4, BIT_4);
                    FloatVector b1 = a1.blend(a5.rearrange(XOR_4), BIT_4);
                    FloatVector b5 = a1.rearrange(XOR_4).blend(a5, BIT_4);
                    FloatVector b2 = a2.blend(a6.rearrange(XOR_4), BIT_4);
                    FloatVector b6 = a2.rearrange(XOR_4).blend(a6, BIT_4);
                    FloatVector b3 = a3.blend(a7.rearrange(XOR_4), BIT_4);
                    FloatVector b7 = a3.rearrange(XOR_4).blend(a7, BIT_4);
                    FloatVector c0 = b0.blend(b2.rearrange(XOR_2), BIT_2);
                    FloatVector c2 = b0.rearrange(XOR_2).blend(b2, BIT_2);
                    FloatVector c1 = b1.blend(b3.rearrange(XOR_2), BIT_2);
                    FloatVector c3 = b1.rearrange(XOR_2).blend(b3, BIT_2);
                    FloatVector c4 = b4.blend(b6.rearrange(XOR_2), BIT_2);
                    FloatVector c6 = b4.rearrange(XOR_2).blend(b6, BIT_2);
                    FloatVector c5 = b5.blend(b7.rearrange(XOR_2), BIT_2);
                    FloatVector c7 = b5.rearrange(XOR_2).blend(b7, BIT_2);
                    c0.blend(c1.rearrange(XOR_1), BIT_1).intoArray(dst, dOff);
                    c0.rearrange(XOR_1).blend(c1, BIT_1).intoArray(dst, dOff + ds);
                    c2.blend(c3.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 2 * ds);
                    c2.rearrange(XOR_1).blend(c3, BIT_1).intoArray(dst, dOff + 3 * ds);
                    c4.blend(c5.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 4 * ds);
                    c4.rearrange(XOR_1).blend(c5, BIT_1).intoArray(dst, dOff + 5 * ds);
                    c6.blend(c7.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 6 * ds);
                    c6.rearrange(XOR_1).blend(c7, BIT_1).intoArray(dst, dOff + 7 * ds);
                } else if (L == 4) {
                    transpose4(src, so, srcStride, dst, dOff, dstStride);
                } else {
                    transpose16(src, so, srcStride, dst, dOff, dstStride);
                }
            }
        }
    }

    private static void transpose4(float[] src, int so, int ss, float[] dst, int dOff, int ds) {
        FloatVector a0 = FloatVector.fromArray(S, src, so);
        FloatVector a1 = FloatVector.fromArray(S, src, so + ss);
        FloatVector a2 = FloatVector.fromArray(S, src, so + 2 * ss);
        FloatVector a3 = FloatVector.fromArray(S, src, so + 3 * ss);
        FloatVector b0 = a0.blend(a2.rearrange(XOR_2), BIT_2);
        FloatVector b2 = a0.rearrange(XOR_2).blend(a2, BIT_2);
        FloatVector b1 = a1.blend(a3.rearrange(XOR_2), BIT_2);
        FloatVector b3 = a1.rearrange(XOR_2).blend(a3, BIT_2);
        b0.blend(b1.rearrange(XOR_1), BIT_1).intoArray(dst, dOff);
        b0.rearrange(XOR_1).blend(b1, BIT_1).intoArray(dst, dOff + ds);
        b2.blend(b3.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 2 * ds);
        b2.rearrange(XOR_1).blend(b3, BIT_1).intoArray(dst, dOff + 3 * ds);
    }

    /**
     * 16 lanes (AVX-512) in registers: 16 vectors in, four stages of lane swaps and blends, 16
     * out; with 32 vector registers the tile and a few temporaries fit. Going through memory
     * stage by stage ({@link #transposeStaged}) costs four loads and stores per vector instead of one.
     */
    private static void transpose16(float[] src, int so, int ss, float[] dst, int dOff, int ds) {
        FloatVector a0 = FloatVector.fromArray(S, src, so);
        FloatVector a1 = FloatVector.fromArray(S, src, so + 1 * ss);
        FloatVector a2 = FloatVector.fromArray(S, src, so + 2 * ss);
        FloatVector a3 = FloatVector.fromArray(S, src, so + 3 * ss);
        FloatVector a4 = FloatVector.fromArray(S, src, so + 4 * ss);
        FloatVector a5 = FloatVector.fromArray(S, src, so + 5 * ss);
        FloatVector a6 = FloatVector.fromArray(S, src, so + 6 * ss);
        FloatVector a7 = FloatVector.fromArray(S, src, so + 7 * ss);
        FloatVector a8 = FloatVector.fromArray(S, src, so + 8 * ss);
        FloatVector a9 = FloatVector.fromArray(S, src, so + 9 * ss);
        FloatVector a10 = FloatVector.fromArray(S, src, so + 10 * ss);
        FloatVector a11 = FloatVector.fromArray(S, src, so + 11 * ss);
        FloatVector a12 = FloatVector.fromArray(S, src, so + 12 * ss);
        FloatVector a13 = FloatVector.fromArray(S, src, so + 13 * ss);
        FloatVector a14 = FloatVector.fromArray(S, src, so + 14 * ss);
        FloatVector a15 = FloatVector.fromArray(S, src, so + 15 * ss);
        FloatVector b0 = a0.blend(a8.rearrange(XOR_8), BIT_8);
        FloatVector b8 = a0.rearrange(XOR_8).blend(a8, BIT_8);
        FloatVector b1 = a1.blend(a9.rearrange(XOR_8), BIT_8);
        FloatVector b9 = a1.rearrange(XOR_8).blend(a9, BIT_8);
        FloatVector b2 = a2.blend(a10.rearrange(XOR_8), BIT_8);
        FloatVector b10 = a2.rearrange(XOR_8).blend(a10, BIT_8);
        FloatVector b3 = a3.blend(a11.rearrange(XOR_8), BIT_8);
        FloatVector b11 = a3.rearrange(XOR_8).blend(a11, BIT_8);
        FloatVector b4 = a4.blend(a12.rearrange(XOR_8), BIT_8);
        FloatVector b12 = a4.rearrange(XOR_8).blend(a12, BIT_8);
        FloatVector b5 = a5.blend(a13.rearrange(XOR_8), BIT_8);
        FloatVector b13 = a5.rearrange(XOR_8).blend(a13, BIT_8);
        FloatVector b6 = a6.blend(a14.rearrange(XOR_8), BIT_8);
        FloatVector b14 = a6.rearrange(XOR_8).blend(a14, BIT_8);
        FloatVector b7 = a7.blend(a15.rearrange(XOR_8), BIT_8);
        FloatVector b15 = a7.rearrange(XOR_8).blend(a15, BIT_8);
        FloatVector c0 = b0.blend(b4.rearrange(XOR_4), BIT_4);
        FloatVector c4 = b0.rearrange(XOR_4).blend(b4, BIT_4);
        FloatVector c1 = b1.blend(b5.rearrange(XOR_4), BIT_4);
        FloatVector c5 = b1.rearrange(XOR_4).blend(b5, BIT_4);
        FloatVector c2 = b2.blend(b6.rearrange(XOR_4), BIT_4);
        FloatVector c6 = b2.rearrange(XOR_4).blend(b6, BIT_4);
        FloatVector c3 = b3.blend(b7.rearrange(XOR_4), BIT_4);
        FloatVector c7 = b3.rearrange(XOR_4).blend(b7, BIT_4);
        FloatVector c8 = b8.blend(b12.rearrange(XOR_4), BIT_4);
        FloatVector c12 = b8.rearrange(XOR_4).blend(b12, BIT_4);
        FloatVector c9 = b9.blend(b13.rearrange(XOR_4), BIT_4);
        FloatVector c13 = b9.rearrange(XOR_4).blend(b13, BIT_4);
        FloatVector c10 = b10.blend(b14.rearrange(XOR_4), BIT_4);
        FloatVector c14 = b10.rearrange(XOR_4).blend(b14, BIT_4);
        FloatVector c11 = b11.blend(b15.rearrange(XOR_4), BIT_4);
        FloatVector c15 = b11.rearrange(XOR_4).blend(b15, BIT_4);
        FloatVector e0 = c0.blend(c2.rearrange(XOR_2), BIT_2);
        FloatVector e2 = c0.rearrange(XOR_2).blend(c2, BIT_2);
        FloatVector e1 = c1.blend(c3.rearrange(XOR_2), BIT_2);
        FloatVector e3 = c1.rearrange(XOR_2).blend(c3, BIT_2);
        FloatVector e4 = c4.blend(c6.rearrange(XOR_2), BIT_2);
        FloatVector e6 = c4.rearrange(XOR_2).blend(c6, BIT_2);
        FloatVector e5 = c5.blend(c7.rearrange(XOR_2), BIT_2);
        FloatVector e7 = c5.rearrange(XOR_2).blend(c7, BIT_2);
        FloatVector e8 = c8.blend(c10.rearrange(XOR_2), BIT_2);
        FloatVector e10 = c8.rearrange(XOR_2).blend(c10, BIT_2);
        FloatVector e9 = c9.blend(c11.rearrange(XOR_2), BIT_2);
        FloatVector e11 = c9.rearrange(XOR_2).blend(c11, BIT_2);
        FloatVector e12 = c12.blend(c14.rearrange(XOR_2), BIT_2);
        FloatVector e14 = c12.rearrange(XOR_2).blend(c14, BIT_2);
        FloatVector e13 = c13.blend(c15.rearrange(XOR_2), BIT_2);
        FloatVector e15 = c13.rearrange(XOR_2).blend(c15, BIT_2);
        e0.blend(e1.rearrange(XOR_1), BIT_1).intoArray(dst, dOff);
        e0.rearrange(XOR_1).blend(e1, BIT_1).intoArray(dst, dOff + 1 * ds);
        e2.blend(e3.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 2 * ds);
        e2.rearrange(XOR_1).blend(e3, BIT_1).intoArray(dst, dOff + 3 * ds);
        e4.blend(e5.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 4 * ds);
        e4.rearrange(XOR_1).blend(e5, BIT_1).intoArray(dst, dOff + 5 * ds);
        e6.blend(e7.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 6 * ds);
        e6.rearrange(XOR_1).blend(e7, BIT_1).intoArray(dst, dOff + 7 * ds);
        e8.blend(e9.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 8 * ds);
        e8.rearrange(XOR_1).blend(e9, BIT_1).intoArray(dst, dOff + 9 * ds);
        e10.blend(e11.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 10 * ds);
        e10.rearrange(XOR_1).blend(e11, BIT_1).intoArray(dst, dOff + 11 * ds);
        e12.blend(e13.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 12 * ds);
        e12.rearrange(XOR_1).blend(e13, BIT_1).intoArray(dst, dOff + 13 * ds);
        e14.blend(e15.rearrange(XOR_1), BIT_1).intoArray(dst, dOff + 14 * ds);
        e14.rearrange(XOR_1).blend(e15, BIT_1).intoArray(dst, dOff + 15 * ds);
    }
}
