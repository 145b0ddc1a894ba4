package org.jdna.engine.tensor;

/**
 * The seeded random source of the engine (SplitMix64). Values are generated on the host, so the
 * same seed gives the same weights, dropout masks and data order on every backend. Its whole state
 * is two longs, saved in checkpoints so that a resumed run continues bit-identically.
 */
public final class Rng {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long seed;
    private long state;
    private double spareGaussian = Double.NaN;

    public Rng(long seed) {
        this.seed = seed;
        this.state = seed;
    }

    /** A generator for a named sub-stream ("init", "dropout", "data"), independent of draws elsewhere. */
    public Rng fork(String stream) {
        return new Rng(mix(seed ^ mix(stream.hashCode() + GAMMA)));
    }

    public long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal by the Marsaglia polar method. */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * f;
        return u * f;
    }

    /** The state as (seed, position, spare gaussian bits) for a checkpoint. */
    public long[] state() {
        return new long[]{seed, state, Double.doubleToRawLongBits(spareGaussian)};
    }

    /** Restores a generator saved with {@link #state()}. */
    public static Rng restore(long[] saved) {
        Rng r = new Rng(0);
        r.load(saved);
        return r;
    }

    /**
     * Puts this generator in a state saved with {@link #state()}, in place: for generators a module
     * holds (e.g. {@code Dropout}'s), which a resumed run cannot replace.
     */
    public void load(long[] saved) {
        if (saved == null || saved.length != 3) {
            throw new IllegalArgumentException("Rng.load: expected 3 longs, got "
                    + (saved == null ? "null" : saved.length));
        }
        this.seed = saved[0];
        this.state = saved[1];
        this.spareGaussian = Double.longBitsToDouble(saved[2]);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
