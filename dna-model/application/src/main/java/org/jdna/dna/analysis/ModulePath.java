package org.jdna.dna.analysis;

import java.util.Arrays;

/** A token's path: its top-1 module index at each routed step, (S). Compared by content. */
public record ModulePath(int[] modules) implements Comparable<ModulePath> {
    public ModulePath {
        modules = modules.clone();
    }

    @Override
    public int[] modules() { return modules.clone(); }

    public int length() { return modules.length; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModulePath p && Arrays.equals(modules, p.modules);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(modules); }

    /** Lexicographic, so ties in frequency rank the same way on every run. */
    @Override
    public int compareTo(ModulePath o) { return Arrays.compare(modules, o.modules); }

    /** "3 > 1 > 4" (module indices step by step); "(none)" for a model without routed steps. */
    @Override
    public String toString() {
        if (modules.length == 0) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < modules.length; i++) {
            sb.append(i == 0 ? "" : " > ").append(modules[i]);
        }
        return sb.toString();
    }
}
