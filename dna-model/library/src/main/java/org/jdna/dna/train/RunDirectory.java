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
import java.util.stream.Stream;

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
     * dropped too: the resumed session writes the run's summary again.
     */
    public List<Map<String, Object>> trimMetricsAfter(long step) {
        if (!Files.exists(metricsFile())) {
            return List.of();
        }
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> r : MetricsLog.read(metricsFile())) {
            Object s = r.get("step");
            if ("summary".equals(r.get("type"))) {
                continue;
            }
            if (!(s instanceof Number n) || n.longValue() <= step) {
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
