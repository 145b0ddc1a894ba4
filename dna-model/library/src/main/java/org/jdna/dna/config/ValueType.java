package org.jdna.dna.config;

import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * How one Java type of config value is read from JSON, written to JSON and parsed from a {@code --set}
 * value. Chosen from a record component's type ({@link #of}); a config section record is its own type.
 * A value of the wrong kind gets the same words from a file, a checkpoint and the command line:
 * {@code model.width = "big" is not an integer}.
 */
interface ValueType<T> {
    /** Name in the reference table: "integer", "number", "true/false", ... */
    String name();

    /** What follows "field = value" when the value is of the wrong kind: "is not an integer". */
    String complaint();

    /** The value of a JSON node; null when the node is of the wrong kind; IllegalArgumentException why it is bad. */
    T read(JsonNode node);

    JsonNode write(T value);

    /** The value of a {@code --set} text; null when it is not one; IllegalArgumentException why it is bad. */
    T parse(String text);

    /** A value as messages and the reference show it: texts quoted, enums by their JSON name. */
    default String show(T value) { return String.valueOf(value); }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> ValueType<T> of(Class<T> type) {
        Object t;
        if (type == int.class) {
            t = INT;
        } else if (type == long.class) {
            t = LONG;
        } else if (type == double.class) {
            t = DOUBLE;
        } else if (type == boolean.class) {
            t = BOOLEAN;
        } else if (type == String.class) {
            t = TEXT;
        } else if (type.isEnum()) {
            t = new EnumType(type);
        } else if (type == ModulePool.class) {
            t = POOL;
        } else if (type == StepModules.class) {
            t = STEP_MODULES;
        } else if (type.isRecord()) {
            t = new SectionType(ConfigSection.of((Class) type));
        } else {
            throw new IllegalStateException("no config value type for " + type.getName()
                    + " (add it to ValueType.of)");
        }
        return (ValueType<T>) t;
    }

    ValueType<Integer> INT = new Simple<>("integer", "is not an integer") {
        public Integer read(JsonNode n) { return n.isIntegralNumber() && n.canConvertToInt() ? n.intValue() : null; }
        public JsonNode write(Integer v) { return IntNode.valueOf(v); }
        public Integer parse(String s) {
            try {
                return Integer.parseInt(s.replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    ValueType<Long> LONG = new Simple<>("integer", "is not an integer") {
        public Long read(JsonNode n) { return n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null; }
        public JsonNode write(Long v) { return LongNode.valueOf(v); }
        public Long parse(String s) {
            try {
                return Long.parseLong(s.replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    /** An integer written for a number is accepted ({@code "lr": 1}). */
    ValueType<Double> DOUBLE = new Simple<>("number", "is not a number") {
        public Double read(JsonNode n) { return n.isNumber() ? n.doubleValue() : null; }
        public JsonNode write(Double v) { return DoubleNode.valueOf(v); }
        public Double parse(String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    };

    ValueType<Boolean> BOOLEAN = new Simple<>("true/false", "must be true or false") {
        public Boolean read(JsonNode n) { return n.isBoolean() ? n.booleanValue() : null; }
        public JsonNode write(Boolean v) { return BooleanNode.valueOf(v); }
        public Boolean parse(String s) { return s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null; }
    };

    ValueType<String> TEXT = new Simple<>("text", "is not a string") {
        public String read(JsonNode n) { return n.isTextual() ? n.textValue() : null; }
        public JsonNode write(String v) { return TextNode.valueOf(v); }
        public String parse(String s) { return s; }
        @Override
        public String show(String v) { return v == null ? "null" : "'" + v + "'"; }
    };

    /** Counts per kind {@code {"transformer": 8}} or a list of kinds; on the command line transformer:8,identity:2. */
    ValueType<ModulePool> POOL = new Simple<>("pool", "is not a pool: counts per kind {\"transformer\": 8,"
            + " \"identity\": 2} or a list of kinds [\"transformer\", \"mlp\"]") {
        public ModulePool read(JsonNode n) { return n.isObject() || n.isArray() || n.isTextual() ? ModulePool.fromJson(n) : null; }
        public JsonNode write(ModulePool v) { return ConfigJson.MAPPER.valueToTree(v.toJson()); }
        public ModulePool parse(String s) { return ModulePool.parse(s); }
    };

    ValueType<StepModules> STEP_MODULES = new Simple<>("module sets", "is not module sets per step like \"0,3;1,3\"") {
        public StepModules read(JsonNode n) { return n.isTextual() ? StepModules.parse(n.textValue()) : null; }
        public JsonNode write(StepModules v) { return TextNode.valueOf(v.toString()); }
        public StepModules parse(String s) { return StepModules.parse(s); }
        @Override
        public String show(StepModules v) { return "'" + v + "'"; }
    };

    /** The name and complaint of a type; read, write and parse are the subclass's. */
    abstract class Simple<T> implements ValueType<T> {
        private final String name;
        private final String complaint;

        Simple(String name, String complaint) {
            this.name = name;
            this.complaint = complaint;
        }

        @Override
        public String name() { return name; }

        @Override
        public String complaint() { return complaint; }
    }

    /** An enum by its lower-case JSON name ({@link ConfigNames}): "layernorm", "gumbel". */
    record EnumType<E extends Enum<E>>(Class<E> type) implements ValueType<E> {
        @Override
        public String name() { return String.join(" / ", Arrays.stream(type.getEnumConstants()).map(ConfigNames::of).toList()); }

        @Override
        public String complaint() { return "is not one of " + ConfigNames.allowed(type); }

        @Override
        public E read(JsonNode n) { return n.isTextual() ? parse(n.textValue()) : null; }

        @Override
        public JsonNode write(E v) { return TextNode.valueOf(ConfigNames.of(v)); }

        @Override
        public E parse(String s) {
            for (E e : type.getEnumConstants()) {
                if (ConfigNames.of(e).equals(s)) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public String show(E v) { return v == null ? "null" : ConfigNames.of(v); }
    }

    /** A nested section ({@code model.vision}): a JSON object read and written field by field. */
    record SectionType<R extends Record>(ConfigSection<R> section) implements ValueType<R> {
        @Override
        public String name() { return "section"; }

        @Override
        public String complaint() { return "is not an object"; }

        @Override
        public R read(JsonNode n) {
            throw new UnsupportedOperationException("a section is read by ConfigSection.read");
        }

        @Override
        public JsonNode write(R v) { return section.toTree(v); }

        @Override
        public R parse(String s) { return null; }
    }
}
