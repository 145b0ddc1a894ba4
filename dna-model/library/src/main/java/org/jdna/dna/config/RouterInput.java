package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a step's router reads: LayerNorm(h) (default) or the raw residual stream h. */
public enum RouterInput {
    LAYERNORM, RAW;

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static RouterInput parse(String text) { return ConfigNames.parse(RouterInput.class, text); }
}
