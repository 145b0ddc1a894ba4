package org.jdna.dna.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What a parser of files from elsewhere promises for every input, checked by each fuzz target: it
 * returns, or it fails clearly; and it allocates in proportion to the bytes it was given, never to
 * what a header claims.
 *
 * <p>Failing clearly means throwing the parser's documented exception with a message that names the
 * file (and, from the parser, the field):
 * <ul>
 *   <li>safetensors, checkpoint folders (manifest.json, state.json, latest): CorruptCheckpointException,
 *       or ArchitectureMismatchException for a sound checkpoint of another model;
 *   <li>IDX files and .tgz archives: DataUnavailableException;
 *   <li>config JSON: ConfigException (naming the field; the validator does not know the file);
 *   <li>metrics.jsonl: nothing, ever; a bad line is skipped and reported as file:line.
 * </ul>
 * Anything else, e.g. NullPointerException, ArrayIndexOutOfBoundsException, NegativeArraySizeException,
 * ClassCastException, NumberFormatException, UncheckedIOException, OutOfMemoryError or
 * StackOverflowError, is a finding, and so is an allocation past the budget.
 */
final class ParserContract {
    /** Allocation every parse may make whatever its input: JSON buffers, paths, messages, first-use class set-up. */
    static final long FIXED_ALLOWANCE = 16L << 20;
    /** Allocation allowed per byte of (decompressed) input: a float copy, a string, a JSON tree of the bytes. */
    static final long PER_INPUT_BYTE = 64;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A parse of one input; whatever it throws is judged by {@link #check}. */
    @FunctionalInterface
    interface Parse {
        void run() throws Exception;
    }

    private ParserContract() {}

    /**
     * Runs {@code parse} on this thread and fails the fuzz target unless it returned, or threw one of
     * {@code clearFailures} with a message containing {@code names}, within the allocation budget for
     * {@code inputBytes}. No clear failures: the parser must never throw.
     */
    static void check(long inputBytes, String names, List<Class<? extends RuntimeException>> clearFailures,
                      Parse parse) {
        long budget = FIXED_ALLOWANCE + PER_INPUT_BYTE * inputBytes;
        Outcome first = run(parse);
        judge(first.thrown, clearFailures, names);
        // The first parse in a JVM also pays for loading and initializing classes: measure a repeat.
        if (first.allocated > budget) {
            Outcome again = run(parse);
            if (again.allocated > budget) {
                throw new AssertionError("allocated " + again.allocated + " bytes for " + inputBytes
                        + " bytes of input (budget " + budget + ")"
                        + (again.thrown == null ? "" : " before throwing " + again.thrown));
            }
        }
    }

    private record Outcome(Throwable thrown, long allocated) {}

    private static Outcome run(Parse parse) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try {
            parse.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
    }

    private static void judge(Throwable thrown, List<Class<? extends RuntimeException>> clearFailures, String names) {
        if (thrown instanceof AssertionError a) {
            throw a; // a property the target checks on success
        }
        if (thrown == null) {
            return;
        }
        if (clearFailures.stream().noneMatch(c -> c.isInstance(thrown))) {
            throw new AssertionError("not a clear failure: " + thrown + " (expected "
                    + (clearFailures.isEmpty() ? "no exception" : clearFailures.stream().map(Class::getSimpleName)
                    .toList()) + ")", thrown);
        }
        if (thrown.getMessage() == null || !thrown.getMessage().contains(names)) {
            throw new AssertionError("the message does not name " + names + ": " + thrown.getMessage(), thrown);
        }
    }

    /** The size a gzip stream decompresses to (0 for anything else), counted up to 64 MiB. */
    static long gunzippedSize(byte[] input) {
        if (input.length < 2 || (input[0] & 0xFF) != 0x1f || (input[1] & 0xFF) != 0x8b) {
            return 0;
        }
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(input))) {
            for (int r; n < (64 << 20) && (r = in.read(buf)) > 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // corrupt or truncated: what came out before counts
        }
        return n;
    }

    /** The bytes of a gzip stream holding {@code raw}. */
    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A scratch folder for one fuzzing JVM, deleted when it exits; in memory where Linux offers it
     * (/dev/shm), since every execution writes its input to a file and a disk makes that 20x slower.
     */
    static Path scratch(String name) {
        try {
            Path shm = Path.of("/dev/shm");
            String prefix = "jdna-fuzz-" + name + "-";
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix)
                    : Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
