package org.jdna.dna.config;

import java.util.Arrays;
import java.util.Locale;

/** Lower-case JSON names for the config enums ("layernorm", "gumbel") and their strict parsing. */
final class ConfigNames {
    private ConfigNames() {}

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (of(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + allowed(type));
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigNames::of).toList().toString();
    }
}
