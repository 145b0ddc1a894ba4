package org.jdna.dna.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Metrics as JSON Lines: one JSON object per line, flushed after each, so a crashed or running job's
 * log is readable up to its last step. Values: numbers, strings, booleans, lists and maps of those
 * (e.g. {@code {"step": 10, "loss": 2.31, "identityFraction": [0.29, 0.31]}}); NaN and infinities are
 * written as the strings "NaN", "Infinity", "-Infinity".
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One object per line: a line holding two objects (a lost newline) is not read as its first. */
    private static final ObjectReader READER = JSON.readerFor(new TypeReference<Map<String, Object>>() {})
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int REPORTED_LINES = 10;
    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens (creating parents); {@code append} continues a resumed run's log, otherwise the file starts empty. */
    public static MetricsLog open(Path file, boolean append) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            return new MetricsLog(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics log " + file, e);
        }
    }

    /** Writes one record as one line and flushes. */
    public synchronized void log(Map<String, ?> record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics log " + file, e);
        }
    }

    public Path file() { return file; }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics log " + file, e);
        }
    }

    /** All records of a log, as {@link #read(Path, Consumer)} with each skipped line reported on standard error. */
    public static List<Map<String, Object>> read(Path file) {
        return read(file, problem -> System.err.println("warning: " + problem));
    }

    /**
     * All records of a log. A line that is not one JSON object (a disk error, a hand edit, another
     * program writing into the file) is skipped and reported to {@code skipped} as
     * {@code "<file>:<line>: ..."}, the first {@value #REPORTED_LINES} one by one, then as a count;
     * an unfinished last line (a crash mid-write: no newline after it) is skipped without a report.
     * Bytes that are not UTF-8 read as U+FFFD. Only a file that cannot be read at all throws.
     */
    public static List<Map<String, Object>> read(Path file, Consumer<String> skipped) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics log " + file, e);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        List<String> lines = text.lines().toList();
        boolean lastUnfinished = !text.isEmpty() && !text.endsWith("\n") && !text.endsWith("\r");
        int bad = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Map<String, Object> record = null;
            try {
                record = READER.readValue(line);
            } catch (JsonProcessingException e) {
                // reported below
            }
            if (record != null) {
                records.add(record);
            } else if (i < lines.size() - 1 || !lastUnfinished) {
                if (++bad <= REPORTED_LINES) {
                    skipped.accept(file + ":" + (i + 1) + ": not a JSON object, skipped: " + excerpt(line));
                }
            }
        }
        if (bad > REPORTED_LINES) {
            skipped.accept(file + ": " + (bad - REPORTED_LINES) + " more lines that are not JSON objects skipped");
        }
        return records;
    }

    private static String excerpt(String line) {
        String shown = line.length() <= 60 ? line : line.substring(0, 60) + "...";
        StringBuilder sb = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
