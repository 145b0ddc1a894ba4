package org.jdna.dna.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jdna.dna.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a sweep spec file: what a user's mistakes in it are told. */
class SweepSpecTest {
    @TempDir
    Path tmp;

    @Test
    void aSpecIsReadWithItsSeedsAndOverrides() throws IOException {
        Path f = write("{\"presets\": [\"dna-top2\"], \"seeds\": [1, 2], \"set\": [\"train.steps=10\"]}");
        SweepSpec spec = SweepSpec.read(f);
        assertEquals(List.of("dna-top2"), spec.presets());
        assertEquals(List.of(1L, 2L), spec.seeds());
        assertEquals(List.of("train.steps=10"), spec.set());
    }

    @Test
    void aMissingFileSaysSo() {
        String m = refused(tmp.resolve("nofile.json"));
        assertTrue(m.contains("sweep spec") && m.contains("nofile.json does not exist"), m);
    }

    /** The line and column of a syntax error, without the parser's source excerpt. */
    @Test
    void brokenJsonNamesItsLine() throws IOException {
        String m = refused(write("{\"presets\": [\"dna-top2\",\n"));
        assertTrue(m.contains("not valid JSON at line 2") && !m.contains("REDACTED"), m);
    }

    @Test
    void anythingButAnObjectOrAnUnknownKeyIsRefused() throws IOException {
        String array = refused(write("[1, 2]"));
        assertTrue(array.contains("must hold one JSON object"), array);
        String key = refused(write("{\"x\": 1}"));
        assertTrue(key.contains("unknown key 'x'"), key);
    }

    private Path write(String text) throws IOException {
        return Files.writeString(Files.createTempFile(tmp, "spec", ".json"), text);
    }

    private static String refused(Path f) {
        return assertThrows(ConfigException.class, () -> SweepSpec.read(f)).getMessage();
    }
}
