package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Exploration noise added to router logits for the selection only (default none). */
public enum RouterNoise {
    NONE, GUMBEL;

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static RouterNoise parse(String text) { return ConfigNames.parse(RouterNoise.class, text); }
}
