package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place the vector species and the default thread count are chosen (llama3.java's
 * discipline).
 *
 * <p>The species is a {@code static final} constant, read once per JVM from the system property
 * {@code jdna.simd.bits}: 128, 256 or 512 forces a width, 0 selects the scalar fallback (every
 * kernel then runs its scalar loop over the whole range); unset means
 * {@link FloatVector#SPECIES_PREFERRED}. Being a constant lets C2 fold every species check and
 * intrinsify every vector operation; a species held in an instance field would not be. The test
 * suite therefore runs the contract once per width in separate JVMs (see kernels-simd/pom.xml).
 *
 * <p>The thread count comes to the backend as a value (the provider's settings, or the constructor);
 * {@code jdna.threads} is only the user's override of the default, used when no count is given
 * (default: available processors).
 */
public final class SimdConfig {
    /** The float species of every kernel, or {@code null} for the scalar fallback. */
    public static final VectorSpecies<Float> SPECIES = speciesForBits(bitsFromProperty());
    /** Float lanes per vector; 1 for the scalar fallback. */
    public static final int LANES = SPECIES == null ? 1 : SPECIES.length();
    /** Species width in bits; 0 for the scalar fallback. */
    public static final int BITS = SPECIES == null ? 0 : SPECIES.vectorBitSize();

    private SimdConfig() {
    }

    /** The thread count when none is given: {@code -Djdna.threads} when the user set it, else the available processors. */
    public static int defaultThreads() {
        String threads = System.getProperty("jdna.threads");
        int t = (threads == null || threads.isBlank())
                ? Runtime.getRuntime().availableProcessors()
                : parse("jdna.threads", threads);
        if (t < 1) {
            throw new IllegalArgumentException("simd: jdna.threads must be >= 1, got " + t);
        }
        return t;
    }

    /**
     * Checks that a requested width is the one this JVM runs with: the species cannot change after
     * start-up (it is a compile-time constant for C2).
     */
    public static void requireBits(int bits) {
        if (bits != BITS) {
            throw new IllegalArgumentException("simd: this JVM runs the " + describe()
                    + " species, chosen once at start-up; requested " + bits
                    + " bits (start the JVM with -Djdna.simd.bits=" + bits + ")");
        }
    }

    /** "512-bit (16 lanes)" or "scalar". */
    public static String describe() {
        return SPECIES == null ? "scalar" : BITS + "-bit (" + LANES + " lanes)";
    }

    private static int bitsFromProperty() {
        String bits = System.getProperty("jdna.simd.bits");
        return (bits == null || bits.isBlank())
                ? FloatVector.SPECIES_PREFERRED.vectorBitSize()
                : parse("jdna.simd.bits", bits);
    }

    private static VectorSpecies<Float> speciesForBits(int bits) {
        return switch (bits) {
            case 0 -> null;
            case 128, 256, 512 -> {
                if (bits > FloatVector.SPECIES_MAX.vectorBitSize()) {
                    throw new IllegalArgumentException("simd: jdna.simd.bits=" + bits + " exceeds this CPU's widest "
                            + FloatVector.SPECIES_MAX.vectorBitSize() + "-bit vectors");
                }
                yield FloatVector.SPECIES_128.withShape(VectorShape.forBitSize(bits));
            }
            default -> throw new IllegalArgumentException(
                    "simd: jdna.simd.bits must be 0 (scalar), 128, 256 or 512, got " + bits);
        };
    }

    private static int parse(String property, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simd: system property " + property + " must be an integer, got '"
                    + value + "'", e);
        }
    }
}
