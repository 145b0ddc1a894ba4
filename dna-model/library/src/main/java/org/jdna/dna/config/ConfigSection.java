package org.jdna.dna.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The field table of one config record (ModelConfig, TrainConfig, ...): its {@link ConfigField}s in
 * component order, and what follows from them: the defaults, a copy with one field changed
 * ({@link #with}), the JSON object (written in component order, read strictly: unknown fields, missing
 * fields and values of the wrong kind are errors naming the file and the field), the check of each
 * field's own range, and the dotted leaf names {@code --set} accepts. A record declares its table once:
 *
 * <pre>
 *   private static final ConfigSection.Builder&lt;ModelConfig&gt; F = ConfigSection.builder(ModelConfig.class);
 *   public static final ConfigField&lt;ModelConfig, Integer&gt; WIDTH = F.field("width", 128, "D, ...").range(1, 65536);
 *   ...
 *   public static final ConfigSection&lt;ModelConfig&gt; FIELDS = F.build();   // checks the table against the record
 * </pre>
 */
public final class ConfigSection<R extends Record> {
    private static final Map<Class<?>, ConfigSection<?>> BY_TYPE = new ConcurrentHashMap<>();

    private final Class<R> type;
    private final List<ConfigField<R, ?>> fields;
    private final Method[] accessors;
    private final Constructor<R> constructor;
    private final R defaults;

    private ConfigSection(Class<R> type, List<ConfigField<R, ?>> fields) {
        this.type = type;
        this.fields = List.copyOf(fields);
        RecordComponent[] components = type.getRecordComponents();
        String owner = type.getSimpleName();
        for (int i = 0; i < Math.max(components.length, fields.size()); i++) {
            String component = i < components.length ? components[i].getName() : null;
            String field = i < fields.size() ? fields.get(i).name() : null;
            if (component == null || !component.equals(field)) {
                throw new IllegalStateException(owner + ": field table entry " + i + " is '" + field
                        + "' but the record component is '" + component + "' (one F.field per component, in order)");
            }
        }
        accessors = new Method[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Object[] defaultValues = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            ConfigField<R, ?> f = fields.get(i);
            types[i] = components[i].getType();
            accessors[i] = components[i].getAccessor();
            defaultValues[i] = f.defaultValue();
            if (!boxed(types[i]).isInstance(f.defaultValue())) {
                throw new IllegalStateException(owner + "." + f.name() + ": default " + f.defaultValue() + " is not a "
                        + types[i].getSimpleName());
            }
            bindType(f, types[i]);
        }
        try {
            constructor = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(owner + " has no canonical constructor", e);
        }
        defaults = create(defaultValues);
        List<String> problems = new ArrayList<>();
        check(defaults, owner, problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(owner + ": a default is outside its own range: " + problems);
        }
        BY_TYPE.put(type, this);
    }

    /** Starts the table of {@code type}; declare one field per record component, in order, then {@link Builder#build}. */
    static <R extends Record> Builder<R> builder(Class<R> type) { return new Builder<>(type); }

    /** The table of a config record (initialising its class if need be). */
    @SuppressWarnings("unchecked")
    public static <R extends Record> ConfigSection<R> of(Class<R> type) {
        return (ConfigSection<R>) find(type).orElseThrow(() -> new IllegalArgumentException(type.getSimpleName()
                + " is not a config section (it has no field table)"));
    }

    /** The table of {@code type} if it is a config record. */
    static Optional<ConfigSection<?>> find(Class<?> type) {
        if (type.isRecord() && !BY_TYPE.containsKey(type)) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    public List<ConfigField<R, ?>> fields() { return fields; }

    /** The record with every field at its default. */
    public R defaults() { return defaults; }

    public <T> T get(R record, ConfigField<R, T> field) {
        @SuppressWarnings("unchecked")
        T value = (T) value(record, index(field));
        return value;
    }

    /** A copy of {@code record} with one field changed. */
    public <T> R with(R record, ConfigField<R, T> field, T value) {
        Object[] values = values(record);
        values[index(field)] = value;
        return create(values);
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON object of a record, fields in component order. */
    ObjectNode toTree(R record) {
        ObjectNode node = ConfigJson.MAPPER.createObjectNode();
        for (int i = 0; i < fields.size(); i++) {
            node.set(fields.get(i).name(), write(fields.get(i), value(record, i)));
        }
        return node;
    }

    /**
     * Reads a JSON object strictly. {@code path} is its dotted name ("" at the top, "model", "model.vision"); every
     * error is a {@link ConfigException} starting with {@code source} and naming the field.
     */
    R read(JsonNode node, String path, String source) {
        if (!node.isObject()) {
            throw new ConfigException(source + ": " + (path.isEmpty() ? "the config" : path) + " = " + brief(node)
                    + " is not an object");
        }
        List<String> names = fields.stream().map(ConfigField::name).toList();
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!names.contains(name)) {
                throw new ConfigException(source + ": unknown field '" + join(path, name) + "' (known fields here: "
                        + names + ")");
            }
        }
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            ConfigField<R, ?> f = fields.get(i);
            String p = join(path, f.name());
            JsonNode child = node.get(f.name());
            if (child == null && !f.isOptional()) {
                throw new ConfigException(source + ": " + p + " is missing");
            }
            values[i] = child == null ? f.defaultValue() : read(f, child, p, source);
        }
        return create(values);
    }

    private static Object read(ConfigField<?, ?> f, JsonNode node, String path, String source) {
        if (f.type() instanceof ValueType.SectionType<?> s) {
            return s.section().read(node, path, source);
        }
        Object value;
        try {
            value = node.isNull() ? null : f.type().read(node);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + path + ": " + e.getMessage());
        }
        if (value == null) {
            throw new ConfigException(source + ": " + path + " = " + brief(node) + " " + f.type().complaint());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <T> JsonNode write(ConfigField<?, T> f, Object value) {
        return f.type().write((T) value);
    }

    // ------------------------------------------------------------------ checks

    /** Adds "path.field is missing" for every null value, nested sections included. */
    void missing(R record, String path, List<String> problems) {
        for (int i = 0; i < fields.size(); i++) {
            Object v = value(record, i);
            String p = join(path, fields.get(i).name());
            if (v == null) {
                problems.add(p + " is missing");
            } else if (fields.get(i).type() instanceof ValueType.SectionType<?> s) {
                missingIn(s, v, p, problems);
            }
        }
    }

    /** Adds each field's problem with its own range (no null values: see {@link #missing}). */
    void check(R record, String path, List<String> problems) {
        for (int i = 0; i < fields.size(); i++) {
            ConfigField<R, ?> f = fields.get(i);
            if (!f.applies(record)) {
                continue;
            }
            String p = join(path, f.name());
            if (f.type() instanceof ValueType.SectionType<?> s) {
                checkIn(s, value(record, i), p, problems);
            } else {
                String problem = problemOf(f, p, record, value(record, i));
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <S extends Record> void missingIn(ValueType.SectionType<S> s, Object v, String p, List<String> out) {
        s.section().missing((S) v, p, out);
    }

    @SuppressWarnings("unchecked")
    private static <S extends Record> void checkIn(ValueType.SectionType<S> s, Object v, String p, List<String> out) {
        s.section().check((S) v, p, out);
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record, T> String problemOf(ConfigField<R, T> f, String path, R record, Object value) {
        return f.problem(path, record, (T) value);
    }

    // ------------------------------------------------------------------ --set

    /** Every field that is not a section, by its dotted name ("model.vision.patchSize"), in order. */
    Map<String, ConfigField<?, ?>> leaves(String path) {
        Map<String, ConfigField<?, ?>> out = new LinkedHashMap<>();
        for (ConfigField<R, ?> f : fields) {
            String p = join(path, f.name());
            if (f.type() instanceof ValueType.SectionType<?> s) {
                out.putAll(s.section().leaves(p));
            } else {
                out.put(p, f);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ reflection

    private R create(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + type.getSimpleName(), e);
        }
    }

    private Object value(R record, int i) {
        try {
            return accessors[i].invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + fields.get(i).name(), e);
        }
    }

    private Object[] values(R record) {
        Object[] values = new Object[fields.size()];
        Arrays.setAll(values, i -> value(record, i));
        return values;
    }

    private int index(ConfigField<R, ?> field) {
        int i = fields.indexOf(field);
        if (i < 0) {
            throw new IllegalArgumentException(field.name() + " is not a field of " + type.getSimpleName());
        }
        return i;
    }

    @SuppressWarnings("unchecked")
    private static <T> void bindType(ConfigField<?, T> f, Class<?> type) {
        f.bind(ValueType.of((Class<T>) type));
    }

    private static Class<?> boxed(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return c == int.class ? Integer.class : c == long.class ? Long.class : c == double.class ? Double.class
                : c == boolean.class ? Boolean.class : c;
    }

    private static String join(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    /** A JSON value for a message, cut at 60 characters. */
    static String brief(JsonNode node) {
        String s = node.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Collects a record's fields while its class is initialised; {@link #build} checks them against the record. */
    static final class Builder<R extends Record> {
        private final Class<R> type;
        private final List<ConfigField<R, ?>> fields = new ArrayList<>();

        private Builder(Class<R> type) { this.type = type; }

        /** The next record component: its JSON name (the component's name), default and one-line doc. */
        <T> ConfigField<R, T> field(String name, T defaultValue, String doc) {
            ConfigField<R, T> f = new ConfigField<>(name, defaultValue, doc);
            fields.add(f);
            return f;
        }

        ConfigSection<R> build() { return new ConfigSection<>(type, fields); }
    }
}
