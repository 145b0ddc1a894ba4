package org.jdna.engine.backend.contract;

import java.util.ArrayList;
import java.util.List;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.tensor.Rng;

/**
 * The machinery of the contract suite: a {@link Case} is run once on the reference backend and once
 * on {@link #backend()} with the same host inputs; every storage it returns is read back with
 * copyOut and compared under a named {@link Tolerance}. Inputs go in through allocate/copyIn
 * only, so the same test bodies serve a device backend.
 *
 * <p>The test classes form one chain (Core, Norms, Routing, Attention, Determinism) so that a
 * backend module extends just {@link BackendContract}; each link holds one family of primitives.
 */
public abstract class ContractSupport {
    /** The specification every result is compared with. */
    protected static final Backend REFERENCE = ReferenceBackend.INSTANCE;
    /** Lengths that exercise vector tails: below, at and just above common vector widths. */
    protected static final int[] SIZES = {1, 7, 16, 33, 257};

    /** The backend under test. */
    protected abstract Backend backend();

    /**
     * The tolerance used for a named one; a backend that needs more room (TF32, fast math) overrides
     * this and says why, rather than editing the shared tolerances.
     */
    protected Tolerance tolerance(Tolerance named) {
        return named;
    }

    /** One backend plus the storages a case allocated on it (closed afterwards). */
    protected static final class Device implements AutoCloseable {
        private final Backend backend;
        private final List<Storage> owned = new ArrayList<>();

        Device(Backend backend) {
            this.backend = backend;
        }

        public Backend backend() {
            return backend;
        }

        /** A new storage holding a copy of host. */
        public Storage upload(float[] host) {
            Storage s = zeros(host.length);
            backend.copyIn(s, 0, host, 0, host.length);
            return s;
        }

        public Storage zeros(int length) {
            Storage s = backend.allocate(length);
            owned.add(s);
            return s;
        }

        /** A storage filled with a sentinel, to show that a primitive overwrites (or leaves) it. */
        public Storage garbage(int length) {
            Storage s = zeros(length);
            backend.fill(s, 0, length, 12345.0f);
            return s;
        }

        public float[] download(Storage s) {
            float[] host = new float[s.length()];
            backend.copyOut(s, 0, host, 0, host.length);
            return host;
        }

        /** Reads back every storage (a case's results). */
        public float[][] results(Storage... outputs) {
            float[][] r = new float[outputs.length][];
            for (int i = 0; i < outputs.length; i++) {
                r[i] = download(outputs[i]);
            }
            return r;
        }

        @Override
        public void close() {
            for (Storage s : owned) {
                if (!s.isClosed()) {
                    s.close();
                }
            }
        }
    }

    /** A computation on one backend that returns its outputs as host arrays. */
    @FunctionalInterface
    protected interface Case {
        float[][] run(Device d);
    }

    /** Runs c on the reference and on the backend under test and compares every output under tol. */
    protected final void check(String what, Tolerance tol, Case c) {
        float[][] expected = runOn(REFERENCE, c);
        float[][] actual = runOn(backend(), c);
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " outputs, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            Compare.assertClose(what + " [" + backend().name() + " vs reference, output " + i + "]",
                    expected[i], actual[i], tolerance(tol));
        }
    }

    /** Runs of a case that {@link #checkSameBits} compares (after the first). */
    private static final int REPEATS = 2;

    /**
     * The SPI's determinism promise: c runs {@link #REPEATS} + 1 times on the backend under test and
     * once more inside a task of {@link Backend#forEachTask} (where a backend runs its kernels on
     * one thread), and every output of every run must have the bits of the first. An
     * implementation that adds with atomics or splits one sum over threads passes tolerances but
     * fails here, sooner or later.
     */
    protected final void checkSameBits(String what, Case c) {
        Backend b = backend();
        float[][] first = runOn(b, c);
        for (int run = 1; run <= REPEATS; run++) {
            assertSameBits(what + " [" + b.name() + ", run " + run + " vs run 0]", first, runOn(b, c));
        }
        float[][][] alone = new float[1][][];
        b.forEachTask(2, task -> {
            if (task == 0) {
                alone[0] = runOn(b, c);
            }
        });
        assertSameBits(what + " [" + b.name() + ", one thread (a task of forEachTask) vs run 0]", first, alone[0]);
    }

    private static void assertSameBits(String what, float[][] expected, float[][] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " outputs, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            Compare.assertSameBits(what + " output " + i, expected[i], actual[i]);
        }
    }

    protected static float[][] runOn(Backend backend, Case c) {
        try (Device d = new Device(backend)) {
            return c.run(d);
        }
    }

    // ---------------------------------------------------------------- seeded inputs

    /** A generator private to one test, so adding a test never changes another's inputs. */
    protected static Rng rng(String test) {
        return new Rng(20240611L).fork(test);
    }

    protected static float[] normal(Rng rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale);
        }
        return x;
    }

    protected static float[] uniform(Rng rng, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return x;
    }

    /** Small integers in [-range, range]: many exact ties. */
    protected static float[] integers(Rng rng, int n, int range) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(2 * range + 1) - range;
        }
        return x;
    }

    protected static int[] indices(Rng rng, int n, int bound) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(bound);
        }
        return idx;
    }

    protected static float[] asFloats(int[] ints) {
        float[] f = new float[ints.length];
        for (int i = 0; i < ints.length; i++) {
            f[i] = ints[i];
        }
        return f;
    }
}
