package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;

/** Seeded random inputs made on the host and copied to a backend (setup only, never timed). */
public final class HostData {
    private HostData() {
    }

    /** {@code n} normal draws times {@code scale}. */
    public static float[] gaussian(int n, long seed, float scale) {
        Rng rng = new Rng(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextGaussian() * scale;
        }
        return out;
    }

    /** A backend storage holding {@link #gaussian}. */
    public static Storage gaussian(Backend backend, int n, long seed, float scale) {
        Storage s = backend.allocate(n);
        backend.copyIn(s, 0, gaussian(n, seed, scale), 0, n);
        return s;
    }
}
