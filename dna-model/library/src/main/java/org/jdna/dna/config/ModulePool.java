package org.jdna.dna.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The pool of E modules shared by all routed steps, in index order (module i of every router is
 * {@code kinds.get(i)}).
 *
 * <p>In JSON a pool is either counts per kind, {@code {"transformer": 8, "identity": 2}} (modules
 * numbered in that order), or the explicit list {@code ["transformer", "mlp", "identity"]}. On the
 * command line: {@code transformer:8,identity:2} or {@code transformer,mlp,identity}.
 */
public record ModulePool(List<ModuleKind> kinds) {
    /** The most modules a pool may hold. */
    public static final int MAX_SIZE = 1024;

    public ModulePool {
        kinds = List.copyOf(kinds);
    }

    /** {@code count} modules of one kind followed by {@code count} of the next: of(TRANSFORMER, 8, IDENTITY, 2). */
    public static ModulePool of(Object... kindCountPairs) {
        if (kindCountPairs.length % 2 != 0) {
            throw new IllegalArgumentException("ModulePool.of: expected (kind, count) pairs, got "
                    + kindCountPairs.length + " arguments");
        }
        List<ModuleKind> kinds = new ArrayList<>();
        for (int i = 0; i < kindCountPairs.length; i += 2) {
            kinds.addAll(Collections.nCopies((Integer) kindCountPairs[i + 1], (ModuleKind) kindCountPairs[i]));
        }
        return new ModulePool(kinds);
    }

    /** E, the number of modules. */
    public int size() { return kinds.size(); }

    public ModuleKind kind(int module) { return kinds.get(module); }

    public int count(ModuleKind kind) {
        return (int) kinds.stream().filter(k -> k == kind).count();
    }

    /** Number of identity modules (the ones the skip controller biases). */
    public int identityCount() { return count(ModuleKind.IDENTITY); }

    /** Parses the command-line form: "transformer:8,identity:2" or "transformer,mlp,identity". */
    public static ModulePool parse(String text) {
        List<ModuleKind> kinds = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            ModuleKind kind = ModuleKind.parse(colon < 0 ? p : p.substring(0, colon).trim());
            int count = 1;
            if (colon >= 0) {
                String n = p.substring(colon + 1).trim();
                try {
                    count = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("pool entry '" + p + "': count '" + n + "' is not an integer");
                }
                if (count < 0) {
                    throw new IllegalArgumentException("pool entry '" + p + "': count must be >= 0");
                }
            }
            addCopies(kinds, count, kind);
        }
        return new ModulePool(kinds);
    }

    /** Checks the total before expanding a count: a count of two billion is an error, not two billion entries. */
    private static void addCopies(List<ModuleKind> kinds, int count, ModuleKind kind) {
        if (kinds.size() + (long) count > MAX_SIZE) {
            throw new IllegalArgumentException("a pool holds at most " + MAX_SIZE + " modules; " + kind.jsonName()
                    + " = " + count + " makes " + (kinds.size() + (long) count));
        }
        kinds.addAll(Collections.nCopies(count, kind));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ModulePool fromJson(JsonNode node) {
        if (node.isTextual()) {
            return parse(node.textValue());
        }
        List<ModuleKind> kinds = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode k : node) {
                if (!k.isTextual()) {
                    throw new IllegalArgumentException("pool list entries must be module kinds "
                            + ConfigNames.allowed(ModuleKind.class) + ", got " + k);
                }
                kinds.add(ModuleKind.parse(k.textValue()));
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                ModuleKind kind = ModuleKind.parse(e.getKey());
                if (!e.getValue().canConvertToExactIntegral() || !e.getValue().canConvertToInt()
                        || e.getValue().asInt() < 0 || !e.getValue().isNumber()) {
                    throw new IllegalArgumentException("pool count of '" + e.getKey() + "' = " + e.getValue()
                            + " must be an integer >= 0");
                }
                addCopies(kinds, e.getValue().asInt(), kind);
            }
        } else {
            throw new IllegalArgumentException("a pool is counts per kind {\"transformer\": 8, \"identity\": 2} or a"
                    + " list of kinds, got " + node);
        }
        return new ModulePool(kinds);
    }

    /** Counts per kind when each kind forms one contiguous run (the readable form), else the list. */
    @JsonValue
    public Object toJson() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        EnumMap<ModuleKind, Boolean> closed = new EnumMap<>(ModuleKind.class);
        ModuleKind previous = null;
        for (ModuleKind k : kinds) {
            if (k != previous) {
                if (closed.containsKey(k)) {
                    return kinds.stream().map(ModuleKind::jsonName).toList();
                }
                if (previous != null) {
                    closed.put(previous, true);
                }
                previous = k;
            }
            counts.merge(k.jsonName(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        Object json = toJson();
        if (json instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder();
            m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
            return sb.toString();
        }
        return String.join(",", kinds.stream().map(ModuleKind::jsonName).toList());
    }
}
