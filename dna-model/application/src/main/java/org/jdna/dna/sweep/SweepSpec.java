package org.jdna.dna.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;

/**
 * What {@code jdna sweep SPEC.json} trains: every entry (a preset or a config file) x every seed x every
 * variant (a list of {@code --set} overrides), each with the common overrides first.
 * <pre>
 *   {"presets": ["dense", "dna-top2"], "configs": ["my-run.json"], "seeds": [1, 2],
 *    "set": ["train.steps=40"], "variants": [["model.topK=1"], ["model.topK=2"]]}
 * </pre>
 * Config files are read relative to the spec's folder. {@link #plan} resolves and validates every run's
 * configuration before anything trains, naming the entry of the first one that fails.
 *
 * @param presets  preset names
 * @param configs  config files (JSON as for {@code --config})
 * @param seeds    train.seed of each run (default: the entry's own seed)
 * @param set      overrides for every run
 * @param variants override lists, one run per list and entry and seed (default: one empty list)
 */
public record SweepSpec(List<String> presets, List<Path> configs, List<Long> seeds, List<String> set,
                        List<List<String>> variants) {
    private static final Set<String> FIELDS = Set.of("presets", "configs", "seeds", "set", "variants");

    /** Reads a spec file; an unknown key or a value of the wrong kind is refused naming it. */
    public static SweepSpec read(Path file) {
        JsonNode root = ConfigJson.readObjectFile(file, "sweep spec");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new ConfigException("sweep spec " + file + ": unknown key '" + name + "' (known: " + FIELDS + ")");
            }
        }
        Path base = file.toAbsolutePath().getParent();
        List<Path> configs = strings(root, "configs", file).stream().map(base::resolve).toList();
        List<Long> seeds = new ArrayList<>();
        for (JsonNode s : array(root, "seeds", file)) {
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw new ConfigException("sweep spec " + file + ": seeds must be integers, got " + s);
            }
            seeds.add(s.asLong());
        }
        List<List<String>> variants = new ArrayList<>();
        for (JsonNode v : array(root, "variants", file)) {
            if (!v.isArray()) {
                throw new ConfigException("sweep spec " + file + ": each of variants must be a list of KEY=VALUE, got " + v);
            }
            List<String> one = new ArrayList<>();
            v.forEach(x -> one.add(text(x, "variants", file)));
            variants.add(one);
        }
        SweepSpec spec = new SweepSpec(strings(root, "presets", file), configs, seeds, strings(root, "set", file),
                variants.isEmpty() ? List.of(List.of()) : variants);
        if (spec.presets.isEmpty() && spec.configs.isEmpty()) {
            throw new ConfigException("sweep spec " + file + ": names no run: give \"presets\" or \"configs\"");
        }
        return spec;
    }

    /** Every run of the grid, its configuration resolved and validated; refuses the spec at its first bad entry. */
    public List<SweepRun> plan(Path outDir) {
        List<SweepRun> runs = new ArrayList<>();
        List<String> entries = new ArrayList<>(presets);
        configs.forEach(c -> entries.add(c.toString()));
        for (int e = 0; e < entries.size(); e++) {
            boolean isPreset = e < presets.size();
            String label = isPreset ? "presets[" + e + "] '" + entries.get(e) + "'"
                    : "configs[" + (e - presets.size()) + "] '" + entries.get(e) + "'";
            String stem = isPreset ? entries.get(e) : stem(configs.get(e - presets.size()));
            for (int v = 0; v < variants.size(); v++) {
                for (Long seed : seeds.isEmpty() ? Collections.<Long>singletonList(null) : seeds) {
                    List<String> overrides = new ArrayList<>(set);
                    overrides.addAll(variants.get(v));
                    if (seed != null) {
                        overrides.add("train.seed=" + seed);
                    }
                    String name = stem + (variants.size() > 1 ? "-v" + (v + 1) : "") + (seed == null ? "" : "-seed" + seed);
                    overrides.add("train.outDir=" + outDir.resolve(name));
                    SweepRun run = new SweepRun(name, isPreset ? entries.get(e) : null,
                            isPreset ? null : entries.get(e), overrides);
                    try {
                        run.resolve();
                    } catch (ConfigException ex) {
                        throw new ConfigException("sweep entry " + label + (variants.size() > 1 ? " variant "
                                + variants.get(v) : "") + ": " + ex.getMessage());
                    }
                    runs.add(run);
                }
            }
        }
        return runs;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    private static List<JsonNode> array(JsonNode root, String key, Path file) {
        JsonNode a = root.get(key);
        if (a == null) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new ConfigException("sweep spec " + file + ": " + key + " must be a list, got " + a);
        }
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    private static List<String> strings(JsonNode root, String key, Path file) {
        return array(root, key, file).stream().map(x -> text(x, key, file)).toList();
    }

    private static String text(JsonNode x, String key, Path file) {
        if (!x.isTextual()) {
            throw new ConfigException("sweep spec " + file + ": " + key + " must hold strings, got " + x);
        }
        return x.asText();
    }
}
