package org.jdna.dna.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds a {@link RunConfig} in three layers, then validates it: a preset (default
 * {@value Presets#DEFAULT}), then a JSON file that sets any subset of fields (it may name its own
 * base with {@code "preset": "dense"}), then command-line overrides {@code model.width=128}. An
 * override key may be shortened to a unique suffix ({@code width=128}).
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param preset    preset name, or null for the file's "preset" field or the default
     * @param jsonFile  a config file, or null
     * @param overrides "key=value" settings applied last
     */
    public static RunConfig load(String preset, Path jsonFile, List<String> overrides) {
        ObjectNode file = jsonFile == null ? null : ConfigJson.readObjectFile(jsonFile, "config file");
        String base = preset;
        if (base == null && file != null && file.has("preset")) {
            base = file.get("preset").asText();
        }
        if (file != null) {
            file.remove("preset");
        }
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(Presets.get(base == null ? Presets.DEFAULT : base));
        if (file != null) {
            merge(tree, file, "", jsonFile.toString());
        }
        for (String o : overrides) {
            applyOverride(tree, o);
        }
        RunConfig config = ConfigJson.bind(tree, RunConfig.class, jsonFile == null ? "config" : jsonFile.toString());
        return ConfigValidator.validate(config);
    }

    /**
     * A complete config saved by {@link ConfigJson#toJson} (e.g. from a checkpoint), bound strictly and validated.
     * Fields added after a config was saved ({@link ConfigField#optional}) take their defaults.
     */
    public static RunConfig fromJson(String json, String source) {
        try {
            JsonNode tree = ConfigJson.MAPPER.readTree(json);
            if (tree == null) {
                throw new ConfigException(source + ": empty, expected a JSON object");
            }
            if (!tree.isObject()) {
                throw new ConfigException(source + ": a saved config must hold one JSON object");
            }
            return ConfigValidator.validate(ConfigJson.bind(tree, RunConfig.class, source));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Applies one "key=value" override to a config tree; the field's type parses the value. */
    static void applyOverride(ObjectNode tree, String setting) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("override '" + setting + "' must look like key=value, e.g. model.width=128");
        }
        Map<String, ConfigField<?, ?>> leaves = RunConfig.FIELDS.leaves("");
        String key = resolveKey(leaves.keySet(), setting.substring(0, eq).trim());
        String value = setting.substring(eq + 1).trim();
        int dot = key.lastIndexOf('.');
        ObjectNode parent = (ObjectNode) tree.at("/" + key.substring(0, dot).replace('.', '/'));
        parent.set(key.substring(dot + 1), convert(key, leaves.get(key), value));
    }

    private static <T> JsonNode convert(String key, ConfigField<?, T> field, String value) {
        T parsed;
        try {
            parsed = field.type().parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = '" + value + "': " + e.getMessage());
        }
        if (parsed == null) {
            throw new ConfigException(key + " = '" + value + "' " + field.type().complaint());
        }
        return field.type().write(parsed);
    }

    /** The full dotted key for a key or a unique suffix of one. */
    static String resolveKey(Collection<String> leaves, String key) {
        if (leaves.contains(key)) {
            return key;
        }
        List<String> matches = leaves.stream().filter(l -> l.endsWith("." + key)).toList();
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        if (matches.size() > 1) {
            throw new ConfigException("override key '" + key + "' is ambiguous: " + matches);
        }
        String suggestion = leaves.stream().min((a, b) -> Integer.compare(distance(a, key), distance(b, key))).orElse("");
        throw new ConfigException("unknown field '" + key + "' (did you mean " + suggestion + "?)");
    }

    // Sets the file's fields in the preset's tree; a section is merged field by field, a leaf (model.pool too) replaced.
    private static void merge(ObjectNode base, JsonNode over, String prefix, String source) {
        Set<String> leaves = RunConfig.FIELDS.leaves("").keySet();
        if (!over.isObject()) {
            throw new ConfigException(source + ": " + (prefix.isEmpty() ? "the file" : prefix) + " = "
                    + ConfigSection.brief(over) + " is not an object");
        }
        for (Map.Entry<String, JsonNode> e : over.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode current = base.get(e.getKey());
            if (current == null) {
                List<String> known = new ArrayList<>();
                base.fieldNames().forEachRemaining(known::add);
                throw new ConfigException(source + ": unknown field '" + path + "' (known fields here: " + known + ")");
            }
            if (current.isObject() && !leaves.contains(path)) {
                merge((ObjectNode) current, e.getValue(), path, source);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
