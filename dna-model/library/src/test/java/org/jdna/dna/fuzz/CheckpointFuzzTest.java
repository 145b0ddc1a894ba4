package org.jdna.dna.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.ArchitectureMismatchException;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointState;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.io.TensorData;

/**
 * A run's checkpoints copied from elsewhere: {@link CheckpointStore#loadLatest} returns the newest,
 * or throws {@link CorruptCheckpointException} or {@link ArchitectureMismatchException} naming the
 * file. An input is one selector byte and the content of one file of an otherwise valid run:
 * 0 manifest.json as it is; 1 state.json, 2 the fields of state.json after its (valid) config, so that
 * mutations land on the step, generator states and metrics rather than the long config, and
 * 3 model.safetensors, each with a manifest that matches, so that mutations get past the checksums to
 * the parsers behind them; 4 the {@code latest} pointer.
 */
class CheckpointFuzzTest {
    static final RunConfig CONFIG = Presets.get("dna-top2");
    private static final CheckpointStore STORE = new CheckpointStore(ParserContract.scratch("checkpoint"), 1);
    private static final Path DIR = STORE.root().resolve("step-00000003");
    /** The valid run's files by name: model, optimizer, state, manifest of its checkpoint, then its latest pointer. */
    private static final Map<String, byte[]> VALID = validCheckpoint();
    /** What each selector value fuzzes; "state-fields" is state.json after {@link #STATE_HEAD}. */
    static final List<String> FUZZED = List.of(Checkpoint.MANIFEST, Checkpoint.STATE, "state-fields",
            Checkpoint.MODEL, CheckpointStore.LATEST);
    static final String STATE_HEAD = "{\"config\": " + ConfigJson.toJson(CONFIG) + ",\n";

    @FuzzTest(maxDuration = "5s")
    @DictionaryEntries({"\"format\"", "\"jdna-checkpoint/1\"", "\"files\"", "\"bytes\"", "\"sha256\"", "\"step\"",
            "\"config\"", "\"rngStates\"", "\"dataState\"", "\"metrics\"", "\"extra\"", "\"9223372036854775808\""})
    void checkpointFolder(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] content = Arrays.copyOfRange(input, 1, input.length);
        Map<String, byte[]> files = new LinkedHashMap<>(VALID);
        byte[] latest = files.remove(CheckpointStore.LATEST);
        // One branch per file, so that each mode is coverage of its own and keeps its seed in the corpus.
        switch (FUZZED.get((input[0] & 0xFF) % FUZZED.size())) {
            case Checkpoint.MANIFEST -> files.put(Checkpoint.MANIFEST, content);
            case Checkpoint.STATE -> {
                files.put(Checkpoint.STATE, content);
                files.put(Checkpoint.MANIFEST, manifest(files));
            }
            case "state-fields" -> {
                ByteArrayOutputStream state = new ByteArrayOutputStream();
                state.writeBytes(STATE_HEAD.getBytes(StandardCharsets.UTF_8));
                state.writeBytes(content);
                files.put(Checkpoint.STATE, state.toByteArray());
                files.put(Checkpoint.MANIFEST, manifest(files));
            }
            case Checkpoint.MODEL -> {
                files.put(Checkpoint.MODEL, content);
                files.put(Checkpoint.MANIFEST, manifest(files));
            }
            default -> latest = content;
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(DIR.resolve(f.getKey()), f.getValue());
        }
        Files.write(STORE.root().resolve(CheckpointStore.LATEST), latest);
        ParserContract.check(content.length, STORE.root().toString(),
                List.of(CorruptCheckpointException.class, ArchitectureMismatchException.class),
                () -> STORE.loadLatest(CONFIG).orElseThrow());
    }

    /** The manifest.json of {@code files}: the size and SHA-256 of model, optimizer and state. */
    static byte[] manifest(Map<String, byte[]> files) {
        StringBuilder sb = new StringBuilder("{\"format\": \"" + Checkpoint.FORMAT + "\", \"files\": {");
        String sep = "";
        for (String f : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.STATE)) {
            sb.append(sep).append('"').append(f).append("\": {\"bytes\": ").append(files.get(f).length)
                    .append(", \"sha256\": \"").append(sha256(files.get(f))).append("\"}");
            sep = ", ";
        }
        return sb.append("}}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A small checkpoint of {@link #CONFIG} written by {@link Checkpoint#writeData}: its files' bytes. */
    static Map<String, byte[]> validCheckpoint() {
        Map<String, TensorData> model = new LinkedHashMap<>();
        model.put("embed.weight", new TensorData(new int[]{2, 2}, new float[]{1f, -2f, 0.5f, 3f}));
        model.put("head.bias", new TensorData(new int[]{1}, new float[]{0.25f}));
        Map<String, TensorData> optimizer = Map.of("embed.weight.exp_avg",
                new TensorData(new int[]{2, 2}, new float[]{0.1f, 0.2f, 0.3f, 0.4f}));
        CheckpointState state = new CheckpointState(3, CONFIG, Map.of("init", new long[]{1, -2}),
                new long[]{7, 8}, Map.of("loss", 2.5), Map.of("backend", "reference"));
        Checkpoint.writeData(DIR, model, optimizer, state);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            for (String f : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.STATE, Checkpoint.MANIFEST)) {
                files.put(f, Files.readAllBytes(DIR.resolve(f)));
            }
            files.put(CheckpointStore.LATEST, (DIR.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The fields of a state.json after its config, as the "state-fields" selector takes them. */
    static byte[] stateFields(byte[] state) {
        try {
            ObjectNode root = (ObjectNode) ConfigJson.MAPPER.readTree(state);
            root.remove("config");
            return root.toPrettyString().substring(1).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
