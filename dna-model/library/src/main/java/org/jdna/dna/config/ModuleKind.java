package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of module a pool can hold (docs/method.md section 1). */
public enum ModuleKind {
    TRANSFORMER, ATTENTION, MLP, IDENTITY;

    /** True for the kind that does nothing: a token sent there skips the step and costs no compute. */
    public boolean isIdentity() { return this == IDENTITY; }

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static ModuleKind parse(String text) { return ConfigNames.parse(ModuleKind.class, text); }
}
