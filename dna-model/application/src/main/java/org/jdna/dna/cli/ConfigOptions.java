package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;

import picocli.CommandLine.Option;

/** The options every command that builds a configuration shares: preset, config file, overrides. */
public final class ConfigOptions {
    @Option(names = "--preset", paramLabel = "NAME",
            description = "starting configuration: ${COMPLETION-CANDIDATES} (default: dna-top2, or vision-dna-top2 with --task vision)",
            completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file setting any subset of fields")
    Path configFile;

    @Option(names = {"--set", "-s"}, paramLabel = "KEY=VALUE",
            description = "override a field, e.g. --set model.width=256 --set train.steps=100 (a unique suffix works: width=256)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--task", paramLabel = "TASK", description = "language or vision (picks the default preset)")
    String task;

    /** Preset, then file, then overrides, validated. */
    public RunConfig resolve() {
        return resolve(List.of());
    }

    /** Whether a preset, config file or task was named (a resumed run has its own config.json instead). */
    boolean namesABase() {
        return preset != null || configFile != null || task != null;
    }

    /** The name of the preset the configuration starts from. */
    String presetName() {
        if (preset != null) {
            return preset;
        }
        return task != null && parseTask(task) == Task.VISION ? "vision-dna-top2" : Presets.DEFAULT;
    }

    /** The task an option names; an unknown one is a ConfigException naming the option. */
    static Task parseTask(String value) {
        try {
            return Task.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--task " + value + ": " + e.getMessage());
        }
    }

    /** The --set overrides followed by {@code extra} ones (e.g. from --steps). */
    List<String> overrides(List<String> extra) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(extra);
        return all;
    }

    /** Preset, then file, then the --set overrides, then {@code extra} overrides, validated. */
    public RunConfig resolve(List<String> extra) {
        String chosen = preset;
        if (task != null) {
            Task t = parseTask(task);
            if (chosen == null) {
                chosen = t == Task.VISION ? "vision-dna-top2" : Presets.DEFAULT;
            } else if (Presets.get(chosen).model().task() != t) {
                throw new ConfigException("--task " + task + " conflicts with --preset " + chosen + " (a "
                        + Presets.get(chosen).model().task().jsonName() + " preset); vision presets: "
                        + Presets.names().stream().filter(n -> n.startsWith("vision")).toList());
            }
        }
        return ConfigLoader.load(chosen, configFile, overrides(extra));
    }

    /** For picocli's list of preset names in the help. */
    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            super(Presets.names());
        }
    }
}
