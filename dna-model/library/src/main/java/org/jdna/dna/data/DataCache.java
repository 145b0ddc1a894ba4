package org.jdna.dna.data;

import java.nio.file.Path;

import org.jdna.dna.config.DataConfig;

/** The download cache: data.cacheDir if set, else $JDNA_CACHE, else ~/.cache/jdna. */
public final class DataCache {
    private DataCache() {}

    public static Path resolve(DataConfig config) {
        return resolve(config.cacheDir());
    }

    public static Path resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String env = System.getenv("JDNA_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jdna");
    }
}
