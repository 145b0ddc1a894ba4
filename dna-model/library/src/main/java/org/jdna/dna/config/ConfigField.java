package org.jdna.dna.config;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * One field of a config section, declared once beside its record component: JSON name, default,
 * allowed values and a one-line doc. Reading and writing JSON, {@code --set}, the check of the
 * field's own range and its line in the reference ({@code jdna info --fields}) all follow from it;
 * rules that tie several fields together stay in {@link ConfigValidator}.
 *
 * <pre>
 *   public static final ConfigField&lt;ModelConfig, Integer&gt; TOP_K = F.field("topK", 2,
 *           "K, modules chosen per token and step").range(1, "min(2, E)", m -&gt; Math.min(2, m.poolSize()));
 * </pre>
 * The range, condition and {@link #optional()} calls are made once, while the section's class is
 * initialised; the section then checks the table against the record's components.
 *
 * @param <R> the section record (ModelConfig)
 * @param <T> the value type (Integer for an int component)
 */
public final class ConfigField<R extends Record, T> {
    private final String name;
    private final T defaultValue;
    private final String doc;
    private Check<R, T> check = (r, v) -> null;
    private String allowed = "";
    private Predicate<R> when = r -> true;
    private String whenText = "";
    private boolean optional;
    private ValueType<T> type;      // set when the section is built

    ConfigField(String name, T defaultValue, String doc) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    public String name() { return name; }

    public T defaultValue() { return defaultValue; }

    public String doc() { return doc; }

    ValueType<T> type() { return type; }

    void bind(ValueType<T> valueType) { this.type = valueType; }

    /** Allowed values as the reference shows them ("[1, 65536]", "learned"), with the condition; "" when any. */
    String allowed() {
        return allowed + (whenText.isEmpty() ? "" : (allowed.isEmpty() ? "" : " ") + "if " + whenText);
    }

    /** True when a saved config from before this field may lack it; it then takes the default. */
    boolean isOptional() { return optional; }

    /** Whether the field's own check applies to this record (e.g. only for task = language). */
    boolean applies(R record) { return when.test(record); }

    /** The problem with this field's value in {@code record}, or null; {@code path} is its dotted name. */
    String problem(String path, R record, T value) {
        String p = check.problem(record, value);
        return p == null ? null : path + " = " + type.show(value) + " " + p;
    }

    // ------------------------------------------------------------------ declaring (during class initialisation)

    /** lo <= value <= hi: integers as integers, numbers as numbers ("[0.0, 0.95]"). */
    ConfigField<R, T> range(double lo, double hi) {
        return rangeTo(lo, num(hi), r -> hi);
    }

    /** lo <= value <= hi(record), e.g. heads at most the width; skipped when hi < lo (the other field is wrong). */
    ConfigField<R, T> range(double lo, String hiName, ToDoubleFunction<R> hi) {
        return rangeTo(lo, hiName, hi);
    }

    /** A finite value >= lo. */
    ConfigField<R, T> atLeast(double lo) {
        allowed = ">= " + num(lo);
        check = (r, v) -> {
            double x = ((Number) v).doubleValue();
            return x >= lo && !Double.isInfinite(x) ? null : "must be a finite number >= " + lo + " (" + doc + ")";
        };
        return this;
    }

    /** lo <= value < hi. */
    ConfigField<R, T> below(double lo, double hi) {
        allowed = "[" + num(lo) + ", " + num(hi) + ")";
        check = (r, v) -> {
            double x = ((Number) v).doubleValue();
            return x >= lo && x < hi ? null : "must be in " + allowed + " (" + doc + ")";
        };
        return this;
    }

    /** One of the given values, e.g. the backends, or the positions the model builds. */
    @SafeVarargs
    final ConfigField<R, T> oneOf(T... values) {
        List<T> list = List.of(values);
        List<String> shown = list.stream().map(v -> v instanceof Enum<?> e ? ConfigNames.of(e) : String.valueOf(v)).toList();
        allowed = String.join(", ", shown);
        check = (r, v) -> list.contains(v) ? null : "must be one of " + shown + " (" + doc + ")";
        return this;
    }

    /** A value that passes {@code test}; otherwise "field = value " + {@code must}. */
    ConfigField<R, T> require(Predicate<T> test, String must) {
        allowed = must;
        check = (r, v) -> test.test(v) ? null : must;
        return this;
    }

    /** Checks the field only when {@code condition} holds ({@code text} says when, for the reference). */
    ConfigField<R, T> when(Predicate<R> condition, String text) {
        when = condition;
        whenText = text;
        return this;
    }

    /** Added after configs were first saved: a saved config without it loads with the default. */
    ConfigField<R, T> optional() {
        optional = true;
        return this;
    }

    private ConfigField<R, T> rangeTo(double lo, String hiName, ToDoubleFunction<R> hiOf) {
        allowed = "[" + num(lo) + ", " + hiName + "]";
        check = (r, v) -> {
            double hi = hiOf.applyAsDouble(r);
            if (hi < lo) {
                return null;
            }
            if (v instanceof Integer || v instanceof Long) {
                long x = ((Number) v).longValue();
                return x >= lo && x <= hi ? null
                        : "must be in [" + (long) lo + ", " + (long) hi + "] (" + doc + ")";
            }
            double x = ((Number) v).doubleValue();
            return x >= lo && x <= hi ? null : "must be in [" + lo + ", " + hi + "] (" + doc + ")";
        };
        return this;
    }

    private static String num(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public String toString() { return name; }

    /** The problem with a value, without the "field = value" prefix; null when there is none. */
    @FunctionalInterface
    private interface Check<R, T> {
        String problem(R record, T value);
    }
}
