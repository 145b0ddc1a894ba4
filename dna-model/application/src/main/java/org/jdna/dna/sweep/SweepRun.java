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
 * @param fresh     start over an earlier run in the folder (jdna compare); otherwise a run that has checkpoints
 *                  continues from them (a sweep run again). Either way a task Spark reruns resumes.
 */
public record SweepRun(String name, String preset, String configFile, List<String> overrides, boolean fresh)
        implements Serializable {
    public SweepRun {
        overrides = List.copyOf(overrides);
    }

    /** A run that continues from its checkpoints when its folder has some. */
    public SweepRun(String name, String preset, String configFile, List<String> overrides) {
        this(name, preset, configFile, overrides, false);
    }

    public RunConfig resolve() {
        return ConfigLoader.load(preset, configFile == null ? null : Path.of(configFile), overrides);
    }
}
