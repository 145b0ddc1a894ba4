package org.jdna.dna.train;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.TrainConfig;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.Backends;

/**
 * Makes the run's backend current (new tensors are created on it): {@code auto} takes the user's
 * {@code -Djdna.backend}, else the fastest available (SIMD when it can run); a name forces that
 * backend. The thread count and GPU index go to the backend as values ({@link BackendSettings}), so
 * the backend returned runs exactly what was asked: its description states its threads.
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
        if (threads < 0) {
            throw new ConfigException("--threads must be >= 0 (0 = all cores), got " + threads);
        }
        if (device < 0) {
            throw new ConfigException("the GPU index must be >= 0, got " + device);
        }
        BackendSettings settings = new BackendSettings(threads, device);
        try {
            return AUTO.equals(name) ? Backends.useDefault(settings) : Backends.use(name, settings);
        } catch (IllegalStateException e) {
            throw new ConfigException("train.backend = '" + name + "': " + e.getMessage());
        }
    }
}
