package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a vision model turns patch states into one vector: mean over patches or a class token. */
public enum Pooling {
    MEAN, CLS;

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static Pooling parse(String text) { return ConfigNames.parse(Pooling.class, text); }
}
