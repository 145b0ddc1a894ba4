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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Metrics as JSON Lines: one JSON object per line, flushed after each, so a crashed or running job's
 * log is readable up to its last step. Values: numbers, strings, booleans, lists and maps of those
 * (e.g. {@code {"step": 10, "loss": 2.31, "identityFraction": [0.29, 0.31]}}); NaN and infinities are
 * written as the strings "NaN", "Infinity", "-Infinity".
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** All complete records of a log; an unfinished last line (a crash mid-write) is skipped. */
    public static List<Map<String, Object>> read(Path file) {
        List<Map<String, Object>> records = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    records.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
                } catch (JsonProcessingException e) {
                    if (i == lines.size() - 1) {
                        break;
                    }
                    throw new IllegalStateException(file + " line " + (i + 1) + " is not a JSON object: "
                            + e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics log " + file, e);
        }
        return records;
    }
}
