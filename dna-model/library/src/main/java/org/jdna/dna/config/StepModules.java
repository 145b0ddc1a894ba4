package org.jdna.dna.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which pool modules each routed step may choose (docs/method.md section 4: the special cases restrict
 * the routes). Empty (the default) means every step may choose every module, the DNA of section 1.
 * Otherwise there is one entry per step, the allowed module indices in the order the step's router
 * scores them. A step with exactly one allowed module is <em>forced</em>: it has no router and runs
 * that module on every token with weight 1.
 *
 * <p>Examples (S = 3, E = 4): a dense transformer {@code "0;1;2"}; a universal transformer with E = 1
 * {@code "0;0;0"}; Mixture-of-Depths with module 3 the identity {@code "0,3;1,3;2,3"}. In JSON and on
 * the command line the value is that string; steps are separated by {@code ;}, modules by {@code ,}.
 */
public record StepModules(List<int[]> steps) {
    public static final StepModules ALL = new StepModules(List.of());

    public StepModules {
        List<int[]> copy = new ArrayList<>(steps.size());
        for (int[] s : steps) {
            copy.add(s.clone());
        }
        steps = List.copyOf(copy);
    }

    /** True when every step may use every module. */
    public boolean isAll() { return steps.isEmpty(); }

    /** Number of steps listed (0 for {@link #ALL}). */
    public int size() { return steps.size(); }

    /** Allowed modules of step s for a pool of E modules (a copy). */
    public int[] allowed(int step, int poolSize) {
        if (isAll()) {
            int[] all = new int[poolSize];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return steps.get(step).clone();
    }

    /** One step per entry: {@code perStep(3, s -> new int[] {s, 3})}. */
    public static StepModules perStep(int steps, java.util.function.IntFunction<int[]> allowed) {
        List<int[]> list = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            list.add(allowed.apply(s));
        }
        return new StepModules(list);
    }

    /** Parses "0,3;1,3;2,3"; "" (or "all") is {@link #ALL}. */
    @JsonCreator
    public static StepModules parse(String text) {
        if (text == null || text.isBlank() || text.trim().equals("all")) {
            return ALL;
        }
        List<int[]> list = new ArrayList<>();
        for (String step : text.split(";", -1)) {
            String[] parts = step.trim().split(",");
            int[] modules = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    modules[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("stepModules '" + text + "': step " + list.size() + " entry '"
                            + parts[i].trim() + "' is not a module index (steps are separated by ';', modules by ',')");
                }
            }
            list.add(modules);
        }
        return new StepModules(list);
    }

    @JsonValue
    @Override
    public String toString() {
        return steps.stream()
                .map(s -> Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining(",")))
                .collect(Collectors.joining(";"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepModules other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() { return toString().hashCode(); }
}
