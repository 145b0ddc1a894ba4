package org.jdna.dna.train;

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
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.MetricsLog;

/**
 * The folder of one run:
 * <pre>
 *   config.json          the resolved configuration (what {@code --resume} continues with)
 *   metrics.jsonl        one JSON object per step, evaluation, start and summary
 *   summary.json         the final numbers (validation loss, throughput, parameters, FLOPs)
 *   checkpoints/         step-00000200/ ... and the "latest" pointer (see CheckpointStore)
 * </pre>
 */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    /** Checkpoints kept per run (older ones are pruned; "latest" is never deleted). */
    public static final int KEEP_CHECKPOINTS = 3;

    private final Path root;
    private final CheckpointStore checkpoints;

    public RunDirectory(Path root) {
        this.root = root;
        this.checkpoints = new CheckpointStore(root, KEEP_CHECKPOINTS);
    }

    public Path root() { return root; }

    public CheckpointStore checkpoints() { return checkpoints; }

    public Path metricsFile() { return root.resolve(METRICS); }

    public Path configFile() { return root.resolve(CONFIG); }

    /** Whether an earlier run left anything here that a fresh run would overwrite. */
    public boolean holdsARun() {
        return Files.exists(configFile()) || Files.exists(metricsFile()) || !checkpoints.checkpoints().isEmpty();
    }

    /** Empties the run files of an earlier run (only the files this class writes) for a fresh start. */
    public void clearForFreshRun() {
        try {
            Files.deleteIfExists(configFile());
            Files.deleteIfExists(metricsFile());
            Files.deleteIfExists(root.resolve(SUMMARY));
            if (Files.isDirectory(checkpoints.root())) {
                try (Stream<Path> s = Files.walk(checkpoints.root())) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the earlier run in " + root, e);
        }
    }

    /** Refuses to start a fresh run over an earlier one unless told to overwrite it. */
    public void checkFreshStart(boolean overwrite) {
        if (holdsARun() && !overwrite) {
            throw new ConfigException(root + " already holds a run: pass --resume to continue it, --overwrite to"
                    + " start over there, or --out DIR for a new folder");
        }
    }

    public void writeConfig(RunConfig config) {
        writeAtomically(configFile(), ConfigJson.toJson(config));
    }

    public void writeSummary(Map<String, ?> summary) {
        try {
            writeAtomically(root.resolve(SUMMARY), ConfigJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(summary));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the run summary: " + e.getOriginalMessage(), e);
        }
    }

    /** The summary a finished run wrote, if it is there and readable. */
    public Optional<RunSummary> readSummary(RunConfig config) {
        Path file = root.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return RunSummary.fromJson(ConfigJson.MAPPER.readTree(file.toFile()), config, root);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The run's saved configuration, if any. */
    public Optional<Path> savedConfig() {
        return Files.exists(configFile()) ? Optional.of(configFile()) : Optional.empty();
    }

    /**
     * Keeps the metrics records of steps up to {@code step} (a crash after the last checkpoint leaves
     * later steps that the resumed run will redo) and returns the records kept. An earlier summary is
     * dropped too: the resumed session writes the run's summary again. The log is read line by line, so
     * a line that is not a JSON record (a write cut short, a stray edit) costs only itself: it is left
     * out and named to {@code note}. The run continues from its checkpoint, never from this log.
     */
    public List<Map<String, Object>> trimMetricsAfter(long step, Consumer<String> note) {
        if (!Files.exists(metricsFile())) {
            return List.of();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(metricsFile()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metricsFile(), e);
        }
        List<Map<String, Object>> kept = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Map<String, Object> r = record(line);
            if (r == null) {
                note.accept(metricsFile() + " line " + (i + 1) + " is not a JSON record: left out of the continued log");
            } else if (!"summary".equals(r.get("type"))
                    && (!(r.get("step") instanceof Number n) || n.longValue() <= step)) {
                kept.add(r);
            }
        }
        Path tmp = root.resolve(METRICS + ".tmp");
        try (MetricsLog log = MetricsLog.open(tmp, false)) {
            kept.forEach(log::log);
        }
        move(tmp, metricsFile());
        return kept;
    }

    /** One line of the log as a record, or null when it is not a JSON object. */
    private static Map<String, Object> record(String line) {
        try {
            return ConfigJson.MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(root);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            move(tmp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }
}
