package org.jdna.dna.config;

import java.util.List;

/** A configuration that cannot be used; the message names every bad field, its value and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as one line, e.g. "model.topK = 3 must be in [1, 2] (...)". */
    public List<String> problems() { return problems; }
}
