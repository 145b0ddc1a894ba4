package org.jdna.dna.sweep;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.RunConfig;

/**
 * One run of a sweep as a Spark task carries it: the preset or config file and the overrides (the task
 * resolves them again, so executors need only the file, not the driver's objects).
 *
 * @param name      the run's folder under the sweep's output folder
 * @param preset    the preset, or null
 * @param configFile the config file, or null
 * @param overrides --set values, the run's train.outDir last
 */
public record SweepRun(String name, String preset, String configFile, List<String> overrides) implements Serializable {
    public SweepRun {
        overrides = List.copyOf(overrides);
    }

    public RunConfig resolve() {
        return ConfigLoader.load(preset, configFile == null ? null : Path.of(configFile), overrides);
    }
}
