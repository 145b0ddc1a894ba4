package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Position information of the input node: learned absolute (GPT-2 style) or rotary on original positions. */
public enum Positions {
    LEARNED, ROPE;

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static Positions parse(String text) { return ConfigNames.parse(Positions.class, text); }
}
