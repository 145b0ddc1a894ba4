package org.jdna.dna.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the model learns: next-byte prediction on text, or image classification. */
public enum Task {
    LANGUAGE, VISION;

    @JsonValue
    public String jsonName() { return ConfigNames.of(this); }

    @JsonCreator
    public static Task parse(String text) { return ConfigNames.parse(Task.class, text); }
}
