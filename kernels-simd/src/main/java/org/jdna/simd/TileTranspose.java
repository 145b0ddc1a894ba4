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
 * lane swap by d and a blend each). 4 and 8 lanes keep the whole tile in registers (log2(L) * L
 * swaps and blends, L loads and L stores); 16 lanes would need all 16 vector registers of AVX-512's
 * lower half plus temporaries, so they stage through dst instead.

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
                    transposeStaged(src, so, srcStride, dst, dOff, dstStride);
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

    /** 16 lanes: the first stage reads src, the others work in place on dst. */
    private static void transposeStaged(float[] src, int so, int ss, float[] dst, int dOff, int ds) {
        stage(src, so, ss, dst, dOff, ds, 8, XOR_8, BIT_8);
        stage(dst, dOff, ds, dst, dOff, ds, 4, XOR_4, BIT_4);
        stage(dst, dOff, ds, dst, dOff, ds, 2, XOR_2, BIT_2);
        stage(dst, dOff, ds, dst, dOff, ds, 1, XOR_1, BIT_1);
    }

    private static void stage(float[] src, int so, int ss, float[] dst, int dOff, int ds, int d,
                              VectorShuffle<Float> swap, VectorMask<Float> bit) {
        for (int a = 0; a < L; a++) {
            if ((a & d) == 0) {
                FloatVector va = FloatVector.fromArray(S, src, so + a * ss);
                FloatVector vb = FloatVector.fromArray(S, src, so + (a + d) * ss);
                va.blend(vb.rearrange(swap), bit).intoArray(dst, dOff + a * ds);
                va.rearrange(swap).blend(vb, bit).intoArray(dst, dOff + (a + d) * ds);
            }
        }
    }
}
