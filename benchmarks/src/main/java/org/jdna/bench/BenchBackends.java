package org.jdna.bench;

import java.lang.reflect.InvocationTargetException;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;

/**
 * Makes the backend a benchmark measures. Default: the SIMD backend with the preferred vector
 * species (or {@code -Djdna.simd.bits=...}) and exactly {@code threads} worker threads.
 * {@code -Djdna.bench.backend=reference} (or any provider name) measures that backend instead;
 * such backends take their thread count from their own settings, and the {@code threads} param is
 * then only a label.
 */
public final class BenchBackends {
    /** System property naming the backend to measure. */
    public static final String PROPERTY = "jdna.bench.backend";

    private BenchBackends() {
    }

    public static Backend create(int threads) {
        String name = System.getProperty(PROPERTY, "simd");
        return name.equals("simd") ? simd(threads) : Backends.get(name);
    }

    /** Frees what the backend holds (the SIMD backend's worker pool). */
    public static void close(Backend backend) throws Exception {
        if (backend instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // The SIMD backend's (speciesBits, threads) constructor is not part of the SPI, so it is reached
    // by reflection: the benchmarks then build whatever state kernels-simd is in.
    private static Backend simd(int threads) {
        int bits = Integer.getInteger("jdna.simd.bits", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        try {
            Class<?> type = Class.forName("org.jdna.simd.SimdBackend");
            return (Backend) type.getConstructor(int.class, int.class).newInstance(bits, threads);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("benchmarks: org.jdna.simd.SimdBackend(int speciesBits, int threads) not found"
                    + " on the class path (" + e + "); rebuild benchmarks.jar with kernels-simd", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("benchmarks: new SimdBackend(" + bits + ", " + threads + ") failed: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("benchmarks: cannot construct SimdBackend: " + e, e);
        }
    }
}
