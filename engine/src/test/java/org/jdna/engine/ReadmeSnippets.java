package org.jdna.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a README code example and the test that runs it the same text. The README's {@code ```java} block
 * is its imports, a blank line, then the test's example regions (the lines between
 * {@code // README example starts} and {@code // README example ends}, indentation removed, several regions
 * separated by a blank line). Each import of the block must be an import of the test (or name a class of the
 * test's own package). A change on either side alone fails the test, naming the first line that differs.
 */
public final class ReadmeSnippets {
    private static final String START = "// README example starts";
    private static final String END = "// README example ends";

    private ReadmeSnippets() {}

    /**
     * Checks that the README's java block containing {@code marker} shows exactly the example regions of the
     * test source {@code testSource} (a path from the repository root).
     */
    public static void assertReadmeShows(String marker, String testSource) {
        Path root = root();
        String source = read(root.resolve(testSource));
        List<String> block = javaBlock(read(root.resolve("README.md")), marker);
        int body = 0;
        while (body < block.size() && (block.get(body).startsWith("import ") || block.get(body).isBlank())) {
            String line = block.get(body++);
            if (!line.isBlank()) {
                assertTrue(source.lines().anyMatch(l -> l.strip().equals(line.strip())) || samePackage(source, line),
                        "README imports what " + testSource + " does not: " + line);
            }
        }
        List<String> shown = block.subList(body, block.size());
        List<String> tested = regions(source, testSource);
        for (int i = 0; i < Math.max(shown.size(), tested.size()); i++) {
            String s = i < shown.size() ? shown.get(i) : "<end of the README block>";
            String t = i < tested.size() ? tested.get(i) : "<end of the test's example>";
            if (!s.stripTrailing().equals(t.stripTrailing())) {
                fail("README.md and " + testSource + " differ at line " + (i + 1) + " of the example:\n  README: " + s
                        + "\n  test:   " + t + "\n(the README shows the test's lines between '" + START + "' and '"
                        + END + "', indentation removed)");
            }
        }
    }

    /** The repository root: the nearest folder at or above the working directory with README.md and pom.xml. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("engine"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (README.md, pom.xml, engine/) above "
                + Path.of("").toAbsolutePath());
    }

    /** The lines of the one {@code ```java} block of the README that contains marker. */
    static List<String> javaBlock(String readme, String marker) {
        List<List<String>> found = new ArrayList<>();
        List<String> current = null;
        for (String line : readme.lines().toList()) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                if (String.join("\n", current).contains(marker)) {
                    found.add(current);
                }
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("README.md has " + found.size() + " java blocks containing '" + marker
                    + "', expected exactly one");
        }
        return found.getFirst();
    }

    /** The example regions of a test source, each without its common indentation, separated by a blank line. */
    static List<String> regions(String source, String name) {
        List<String> out = new ArrayList<>();
        List<String> region = null;
        for (String line : source.lines().toList()) {
            if (line.strip().equals(START)) {
                region = new ArrayList<>();
            } else if (line.strip().equals(END) && region != null) {
                if (!out.isEmpty()) {
                    out.add("");
                }
                out.addAll(dedent(region));
                region = null;
            } else if (region != null) {
                region.add(line);
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError(name + " has no lines between '" + START + "' and '" + END + "'");
        }
        return out;
    }

    /** True when the README's import names a class of the test's own package (which the test need not import). */
    private static boolean samePackage(String source, String importLine) {
        String name = importLine.strip().substring("import ".length()).replace(";", "").strip();
        String pkg = name.substring(0, Math.max(0, name.lastIndexOf('.')));
        return source.lines().anyMatch(l -> l.strip().equals("package " + pkg + ";"));
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
