package org.jdna.engine.nn;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * Seeded initialisers that fill a tensor in place and return it. Values are drawn on the host from
 * {@link Rng} in row-major order and copied in, so the same generator state gives the same weights
 * on every backend.
 *
 * <p>Fans follow PyTorch: for a weight (out, in, k...) fanIn = in * prod(k), fanOut = out * prod(k).
 */
public final class Init {
    private Init() {
    }

    /** Normal(mean, std^2). */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        }
        float[] d = new float[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + rng.nextGaussian() * std);
        }
        return t.set(d);
    }

    /** Normal(0, std^2). */
    public static Tensor normal(Tensor t, double std, Rng rng) {
        return normal(t, 0, std, rng);
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(hi >= lo)) {
            throw new IllegalArgumentException("Init.uniform: need lo <= hi, got [" + lo + ", " + hi + ")");
        }
        float[] d = new float[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return t.set(d);
    }

    /** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        double a = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        return uniform(t, -a, a, rng);
    }

    /** Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        return normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), rng);
    }

    /** PyTorch's default for Linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public static Tensor uniformFanIn(Tensor t, int fanIn, Rng rng) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("Init.uniformFanIn: fanIn must be positive, got " + fanIn);
        }
        double a = 1.0 / Math.sqrt(fanIn);
        return uniform(t, -a, a, rng);
    }

    public static Tensor zeros(Tensor t) {
        return t.fill(0f);
    }

    public static Tensor ones(Tensor t) {
        return t.fill(1f);
    }

    public static Tensor constant(Tensor t, float value) {
        return t.fill(value);
    }

    /** Fan-in of a weight of rank >= 2: shape[1] times the receptive field. */
    public static int fanIn(Tensor t) {
        return t.dim(1) * receptiveField(t);
    }

    /** Fan-out of a weight of rank >= 2: shape[0] times the receptive field. */
    public static int fanOut(Tensor t) {
        return t.dim(0) * receptiveField(t);
    }

    private static int receptiveField(Tensor t) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("Init: fans need a tensor of rank >= 2, got shape " + t.shapeString());
        }
        int r = 1;
        for (int i = 2; i < t.rank(); i++) {
            r *= t.dim(i);
        }
        return r;
    }
}
