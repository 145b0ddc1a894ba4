package org.jdna.dna.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference of every config field, made from the field tables: one Markdown table per section
 * (model, model.vision, train, data, distil) with each field's {@code --set} name, type, default,
 * allowed values and meaning. Printed by {@code jdna info --fields}; it cannot drift from the code.
 * Rules between fields (heads divides width, forced routing needs E = S, ...) are in {@link ConfigValidator}.
 */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdown() {
        List<String> out = new ArrayList<>();
        section(RunConfig.FIELDS, "", out);
        return String.join("\n", out) + "\n";
    }

    private static <R extends Record> void section(ConfigSection<R> section, String path, List<String> out) {
        List<ConfigField<R, ?>> leaves = section.fields().stream()
                .filter(f -> !(f.type() instanceof ValueType.SectionType<?>)).toList();
        if (!leaves.isEmpty()) {
            out.add((out.isEmpty() ? "" : "\n") + "### " + path);
            out.add("");
            out.add("| field | type | default | allowed | meaning |");
            out.add("|---|---|---|---|---|");
            for (ConfigField<R, ?> f : leaves) {
                out.add("| `" + path + "." + f.name() + "` | " + cell(f.type().name()) + " | `" + shown(f) + "` | "
                        + cell(f.allowed()) + " | " + cell(f.doc() + (f.isOptional() ? " (optional in saved configs)"
                        : "")) + " |");
            }
        }
        for (ConfigField<R, ?> f : section.fields()) {
            if (f.type() instanceof ValueType.SectionType<?> s) {
                section(s.section(), path.isEmpty() ? f.name() : path + "." + f.name(), out);
            }
        }
    }

    private static <T> String shown(ConfigField<?, T> f) {
        return f.type().show(f.defaultValue());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
