package org.jdna.dna.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigLoader;

/**
 * A config JSON file someone shares, and the same text as a saved config (what a checkpoint's
 * state.json holds): {@link ConfigLoader#load} and {@link ConfigLoader#fromJson} return a validated
 * config or throw {@link ConfigException}. Its message names the field rather than the file (the
 * validator does not know the file), so only the type is required here.
 */
class ConfigFuzzTest {
    private static final Path FILE = ParserContract.scratch("config").resolve("run.json");

    @FuzzTest(maxDuration = "5s")
    @DictionaryEntries({"\"preset\"", "\"model\"", "\"train\"", "\"data\"", "\"distil\"", "\"pool\"", "\"vision\"",
            "\"task\"", "\"width\"", "\"topK\"", "\"dna-top2\"", "\"dense\"", "null", "-2147483649", "1e400"})
    void configFile(byte[] input) throws IOException {
        Files.write(FILE, input);
        ParserContract.check(input.length, "", List.of(ConfigException.class),
                () -> ConfigLoader.load(null, FILE, List.of()));
        String text = new String(input, StandardCharsets.UTF_8);
        ParserContract.check(input.length, "", List.of(ConfigException.class),
                () -> ConfigLoader.fromJson(text, FILE.toString()));
    }
}
