package org.jdna.dna.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.RunConfig;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Tensor;

/**
 * A checkpoint is a folder: {@code model.safetensors} (the state dict, readable by PyTorch),
 * {@code optimizer.safetensors} (optimizer state tensors), {@code state.json} ({@link CheckpointState})
 * and {@code manifest.json} (size and SHA-256 of each of those three).
 *
 * <p>{@link #write} is atomic: everything goes into a temporary folder beside the target, each file
 * is forced to disk, and only then is the folder renamed into place, so a crash leaves the previous
 * checkpoint untouched. {@link #load} verifies the manifest (missing, truncated or altered files are
 * named) and every safetensors header before trusting anything.
 */
public final class Checkpoint {
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";
    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "jdna-checkpoint/1";
    static final String TEMP_PREFIX = ".tmp-";
    static final String OLD_PREFIX = ".old-";
    /** Fault injection for tests: called with each file name just before that file is written. */
    static volatile java.util.function.Consumer<String> beforeWriting = name -> { };

    /** A loaded, verified checkpoint. */
    public record Loaded(Path dir, Map<String, TensorData> model, Map<String, TensorData> optimizer,
                         CheckpointState state) {
        /** The model tensors on a backend, by state-dict name. */
        public Map<String, Tensor> modelTensors(Backend backend) { return toTensors(model, backend); }

        public Map<String, Tensor> optimizerTensors(Backend backend) { return toTensors(optimizer, backend); }

        private static Map<String, Tensor> toTensors(Map<String, TensorData> m, Backend backend) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, v.toTensor(backend)));
            return out;
        }
    }

    private Checkpoint() {}

    /** Writes a checkpoint into {@code dir} atomically (replacing a previous one at the same place only once complete). */
    public static void write(Path dir, Map<String, Tensor> model, Map<String, Tensor> optimizer, CheckpointState state) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        model.forEach((k, v) -> m.put(k, TensorData.of(v)));
        Map<String, TensorData> o = new LinkedHashMap<>();
        optimizer.forEach((k, v) -> o.put(k, TensorData.of(v)));
        writeData(dir, m, o, state);
    }

    /** As {@link #write}, from host data. */
    public static void writeData(Path dir, Map<String, TensorData> model, Map<String, TensorData> optimizer,
                                 CheckpointState state) {
        Path abs = dir.toAbsolutePath();
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, TEMP_PREFIX + name + "-");
            try {
                Map<String, String> meta = Map.of("format", "pt", "producer", "jdna", "step", Long.toString(state.step()));
                beforeWriting.accept(MODEL);
                SafeTensors.write(tmp.resolve(MODEL), model, meta);
                beforeWriting.accept(OPTIMIZER);
                SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer, meta);
                beforeWriting.accept(STATE);
                writeAndForce(tmp.resolve(STATE), stateJson(state));
                beforeWriting.accept(MANIFEST);
                writeAndForce(tmp.resolve(MANIFEST), manifest(tmp));
                forceDirectory(tmp);
                install(tmp, abs);
                tmp = null;
            } finally {
                if (tmp != null) {
                    deleteTree(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
    }

    /** Loads and verifies a checkpoint; refuses anything incomplete, truncated or altered with a message naming the file. */
    public static Loaded load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CorruptCheckpointException("checkpoint " + dir + " does not exist (or is not a folder)");
        }
        verifyManifest(dir);
        Map<String, TensorData> model = SafeTensors.read(dir.resolve(MODEL)).tensors();
        Map<String, TensorData> optimizer = SafeTensors.read(dir.resolve(OPTIMIZER)).tensors();
        CheckpointState state = readState(dir.resolve(STATE));
        return new Loaded(dir, model, optimizer, state);
    }

    /** Loads a checkpoint and checks that it was made by the same architecture as {@code expected}. */
    public static Loaded load(Path dir, RunConfig expected) {
        Loaded l = load(dir);
        ArchitectureCheck.configs(dir.toString(), expected.model(), l.state().config().model());
        return l;
    }

    // ------------------------------------------------------------------ writing

    /** Renames tmp to target; an existing target is moved aside first and deleted only after the swap. */
    private static void install(Path tmp, Path target) throws IOException {
        Path parent = target.getParent();
        Path old = null;
        if (Files.exists(target)) {
            old = parent.resolve(OLD_PREFIX + target.getFileName() + "-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(parent);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static String stateJson(CheckpointState s) {
        ObjectNode root = ConfigJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("step", s.step());
        root.set("config", ConfigJson.toTree(s.config()));
        ObjectNode rng = root.putObject("rngStates");
        s.rngStates().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> rng.set(e.getKey(), longs(e.getValue())));
        root.set("dataState", longs(s.dataState()));
        ObjectNode metrics = root.putObject("metrics");
        s.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> metrics.put(e.getKey(), e.getValue()));
        ObjectNode extra = root.putObject("extra");
        s.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> extra.put(e.getKey(), e.getValue()));
        return root.toPrettyString();
    }

    /** Longs as strings: JSON readers in other languages lose precision on 64-bit integers. */
    private static JsonNode longs(long[] values) {
        var arr = ConfigJson.MAPPER.createArrayNode();
        for (long v : values) {
            arr.add(Long.toString(v));
        }
        return arr;
    }

    private static String manifest(Path dir) throws IOException {
        ObjectNode root = ConfigJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode files = root.putObject("files");
        for (String f : List.of(MODEL, OPTIMIZER, STATE)) {
            ObjectNode e = files.putObject(f);
            e.put("bytes", Files.size(dir.resolve(f)));
            e.put("sha256", sha256(dir.resolve(f)));
        }
        return root.toPrettyString();
    }

    // ------------------------------------------------------------------ reading

    private static void verifyManifest(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        JsonNode manifest;
        try {
            manifest = ConfigJson.MAPPER.readTree(Files.readString(manifestFile));
        } catch (NoSuchFileException e) {
            throw new CorruptCheckpointException("checkpoint " + dir + ": " + MANIFEST
                    + " is missing (an incomplete write, or not a jdna checkpoint)");
        } catch (CharacterCodingException e) {
            throw new CorruptCheckpointException("checkpoint " + dir + ": " + MANIFEST + " is not UTF-8 text");
        } catch (JsonProcessingException e) {
            throw new CorruptCheckpointException("checkpoint " + dir + ": " + MANIFEST + " is not valid JSON ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifestFile, e);
        }
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new CorruptCheckpointException("checkpoint " + dir + ": " + MANIFEST + " has format '"
                    + manifest.path("format").asText() + "', expected '" + FORMAT + "'");
        }
        for (String f : List.of(MODEL, OPTIMIZER, STATE)) {
            JsonNode entry = manifest.path("files").path(f);
            if (!entry.isObject()) {
                throw new CorruptCheckpointException("checkpoint " + dir + ": " + MANIFEST + " does not list " + f);
            }
            Path file = dir.resolve(f);
            if (!Files.exists(file)) {
                throw new CorruptCheckpointException("checkpoint " + dir + ": " + f + " is missing");
            }
            try {
                long size = Files.size(file);
                long expected = entry.path("bytes").asLong(-1);
                if (size != expected) {
                    throw new CorruptCheckpointException("checkpoint " + dir + ": " + f + " has " + size
                            + " bytes, the manifest says " + expected + (size < expected ? " (truncated)" : ""));
                }
                String sha = sha256(file);
                if (!sha.equals(entry.path("sha256").asText())) {
                    throw new CorruptCheckpointException("checkpoint " + dir + ": " + f + " is corrupt: its SHA-256 "
                            + sha + " differs from the manifest's " + entry.path("sha256").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    private static CheckpointState readState(Path file) {
        try {
            JsonNode root = ConfigJson.MAPPER.readTree(Files.readString(file));
            JsonNode config = root.path("config");
            if (!config.isObject()) {
                throw new CorruptCheckpointException(file + ": no config object");
            }
            RunConfig rc = ConfigLoader.fromJson(config.toString(), file.toString());
            Map<String, long[]> rng = new LinkedHashMap<>();
            root.path("rngStates").properties().forEach(e -> rng.put(e.getKey(), longs(file, e.getValue())));
            Map<String, Double> metrics = new LinkedHashMap<>();
            root.path("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            Map<String, String> extra = new LinkedHashMap<>();
            root.path("extra").properties().forEach(e -> extra.put(e.getKey(), e.getValue().asText()));
            if (!root.path("step").canConvertToLong()) {
                throw new CorruptCheckpointException(file + ": step is missing or not an integer");
            }
            return new CheckpointState(root.path("step").asLong(), rc, rng, longs(file, root.path("dataState")), metrics,
                    extra);
        } catch (CharacterCodingException e) {
            throw new CorruptCheckpointException(file + " is not UTF-8 text");
        } catch (JsonProcessingException e) {
            throw new CorruptCheckpointException(file + " is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (ConfigException e) {
            throw new CorruptCheckpointException(file + ": its config is not valid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long[] longs(Path file, JsonNode arr) {
        if (!arr.isArray()) {
            throw new CorruptCheckpointException(file + ": expected an array of integers, got " + arr);
        }
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Long.parseLong(arr.get(i).asText());
            } catch (NumberFormatException e) {
                throw new CorruptCheckpointException(file + ": '" + arr.get(i) + "' is not a 64-bit integer");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ files

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    private static void writeAndForce(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            var buf = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** Forces a folder's entries (new names, renames) to disk; a no-op where the platform cannot. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on every file system (e.g. Windows); the renames are still atomic
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
