package org.jdna.dna.train;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.TrainConfig;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;

/**
 * Makes the run's backend current (new tensors are created on it): {@code auto} keeps the engine's
 * choice ({@code -Djdna.backend}, else the fastest available: SIMD when it can run), a name forces
 * that backend. Thread count and GPU index are passed to the backends through their system
 * properties, which they read when first created.
 */
public final class BackendSetup {
    public static final String AUTO = "auto";

    private BackendSetup() {}

    public static Backend select(TrainConfig train) {
        return select(train.backend(), train.threads(), train.device());
    }

    /**
     * @param name    auto, reference, simd or cuda
     * @param threads CPU threads of the SIMD backend, 0 = all cores
     * @param device  GPU index of the CUDA backend
     */
    public static Backend select(String name, int threads, int device) {
        if (threads > 0) {
            System.setProperty("jdna.simd.threads", Integer.toString(threads));
        }
        if (device > 0 || System.getProperty("jdna.cuda.device") == null) {
            System.setProperty("jdna.cuda.device", Integer.toString(device));
        }
        try {
            return AUTO.equals(name) ? Backends.current() : Backends.use(name);
        } catch (IllegalStateException e) {
            throw new ConfigException("train.backend = '" + name + "': " + e.getMessage());
        }
    }
}
