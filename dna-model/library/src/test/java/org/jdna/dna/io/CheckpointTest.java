package org.jdna.dna.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private final Backend ref = Backends.get("reference");

    private Map<String, Tensor> model(float base) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("embed.weight", Tensor.of(ref, new float[]{base, base + 1, base + 2, base + 3}, 2, 2));
        m.put("head.bias", Tensor.of(ref, new float[]{-base}, 1));
        return m;
    }

    private Map<String, Tensor> optimizer() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("embed.weight.exp_avg", Tensor.of(ref, new float[]{0.1f, 0.2f, 0.3f, 0.4f}, 2, 2));
        m.put("embed.weight.exp_avg_sq", Tensor.of(ref, new float[]{1e-8f, 2e-8f, 3e-8f, 4e-8f}, 2, 2));
        return m;
    }

    private static CheckpointState state(long step) {
        Rng init = new Rng(1).fork("init");
        init.nextGaussian(); // leaves a spare gaussian in the state
        return new CheckpointState(step, Presets.get("dna-top2"), Map.of("init", init.state(), "noise",
                new Rng(-5).state()), new Rng(1).fork("data").state(), Map.of("loss", 2.5, "valLoss", 2.75),
                Map.of("backend", "reference"));
    }

    @Test
    void roundTripRestoresTensorsAndState() throws IOException {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, model(1), optimizer(), state(100));
        Checkpoint.Loaded l = Checkpoint.load(cp);
        Map<String, TensorData> want = new LinkedHashMap<>();
        model(1).forEach((k, v) -> want.put(k, TensorData.of(v)));
        SafeTensorsTest.assertBitExact(want, l.model());
        assertEquals(List.of("embed.weight.exp_avg", "embed.weight.exp_avg_sq"), List.copyOf(l.optimizer().keySet()));
        assertEquals(state(100), l.state());
        assertEquals(Rng.restore(state(100).rngStates().get("init")).nextGaussian(),
                Rng.restore(l.state().rngStates().get("init")).nextGaussian());
        assertEquals(4, l.modelTensors(ref).get("embed.weight").numel());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(cp), s.toList(), "no temporary folders left");
        }
    }

    @Test
    void rewritingTheSameFolderReplacesItWhole() {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, model(1), optimizer(), state(1));
        Checkpoint.write(cp, model(5), optimizer(), state(2));
        Checkpoint.Loaded l = Checkpoint.load(cp);
        assertEquals(2, l.state().step());
        assertEquals(5f, l.model().get("embed.weight").values()[0]);
    }

    @Test
    void truncatedFlippedMissingAndLyingFilesAreRefused() throws IOException {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, model(1), optimizer(), state(3));
        Path modelFile = cp.resolve(Checkpoint.MODEL);
        byte[] good = Files.readAllBytes(modelFile);

        Files.write(modelFile, java.util.Arrays.copyOf(good, good.length - 3));
        assertRefused(cp, "model.safetensors has " + (good.length - 3) + " bytes, the manifest says " + good.length
                + " (truncated)");

        byte[] flipped = good.clone();
        flipped[flipped.length - 2] ^= 0x10;
        Files.write(modelFile, flipped);
        assertRefused(cp, "model.safetensors is corrupt: its SHA-256");
        Files.write(modelFile, good);
        Checkpoint.load(cp);

        Path opt = cp.resolve(Checkpoint.OPTIMIZER);
        byte[] optBytes = Files.readAllBytes(opt);
        Files.delete(opt);
        assertRefused(cp, "optimizer.safetensors is missing");
        Files.write(opt, optBytes);

        Files.move(cp.resolve(Checkpoint.MANIFEST), dir.resolve("m.json"));
        assertRefused(cp, "manifest.json is missing");
        Files.move(dir.resolve("m.json"), cp.resolve(Checkpoint.MANIFEST));

        Files.writeString(cp.resolve(Checkpoint.STATE), Files.readString(cp.resolve(Checkpoint.STATE)).replace("2.5", "9.5"));
        assertRefused(cp, "state.json is corrupt");

        assertRefused(dir.resolve("nowhere"), "does not exist");
    }

    /** A header that lies about its offsets, with a manifest recomputed to match, is still refused by the header checks. */
    @Test
    void headerThatLiesIsRefusedEvenWithAMatchingManifest() throws IOException {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, model(1), optimizer(), state(3));
        Path modelFile = cp.resolve(Checkpoint.MODEL);
        String bytes = Files.readString(modelFile, java.nio.charset.StandardCharsets.ISO_8859_1);
        String lied = bytes.replace("\"data_offsets\":[0,16]", "\"data_offsets\":[0,20]");
        assertFalse(lied.equals(bytes), "fixture: offsets found");
        Files.writeString(modelFile, lied, java.nio.charset.StandardCharsets.ISO_8859_1);
        String manifest = Files.readString(cp.resolve(Checkpoint.MANIFEST)).replaceAll(
                "(\"model.safetensors\" : \\{\\s*\"bytes\" : \\d+,\\s*\"sha256\" : \")[0-9a-f]+",
                "$1" + Checkpoint.sha256(modelFile));
        Files.writeString(cp.resolve(Checkpoint.MANIFEST), manifest);
        assertRefused(cp, "tensor 'embed.weight' has data_offsets [0,20] holding 20 bytes, but shape [2,2] of F32 needs 16");
    }

    @Test
    void crashMidWriteLeavesThePreviousCheckpointLoadable() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(model(1), optimizer(), state(10));
        Map<String, Tensor> broken = model(2);
        broken.get("head.bias").close(); // a tensor that cannot be read fails the save before any file is touched
        assertThrows(IllegalStateException.class, () -> store.save(broken, optimizer(), state(20)));
        assertEquals(10, store.loadLatest(Presets.get("dna-top2")).orElseThrow().state().step());

        for (String failAt : List.of(Checkpoint.OPTIMIZER, Checkpoint.STATE, Checkpoint.MANIFEST)) {
            Checkpoint.beforeWriting = name -> {
                if (name.equals(failAt)) {
                    throw new java.io.UncheckedIOException(new IOException("disk full (injected) before " + name));
                }
            };
            try {
                assertThrows(java.io.UncheckedIOException.class, () -> store.save(model(2), optimizer(), state(10)));
            } finally {
                Checkpoint.beforeWriting = name -> { };
            }
            Checkpoint.Loaded l = store.loadLatest(Presets.get("dna-top2")).orElseThrow();
            assertEquals(10, l.state().step(), "failure before " + failAt);
            assertEquals(1f, l.model().get("embed.weight").values()[0], "old weights intact after failure before " + failAt);
            try (Stream<Path> s = Files.list(store.root())) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporaries removed");
            }
        }

        // a hard crash (no cleanup) leaves a temporary folder with partial files: still the old one loads
        Path stale = store.root().resolve(Checkpoint.TEMP_PREFIX + "step-00000020-123");
        Files.createDirectories(stale);
        Files.write(stale.resolve(Checkpoint.MODEL), new byte[]{1, 2, 3});
        assertEquals(10, Checkpoint.load(store.latest().orElseThrow()).state().step());
        store.save(model(3), optimizer(), state(20));
        assertFalse(Files.exists(stale), "stale temporary removed by the next save");
        assertEquals(20, store.loadLatest(Presets.get("dna-top2")).orElseThrow().state().step());
    }

    @Test
    void storeKeepsTheNewestAndPointsLatestAtTheLastSave() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 2);
        for (long s : new long[]{1, 2, 3, 4}) {
            store.save(model(s), optimizer(), state(s));
        }
        assertEquals(List.of("step-00000003", "step-00000004"),
                store.checkpoints().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("step-00000004", store.latest().orElseThrow().getFileName().toString());
        assertTrue(new CheckpointStore(dir.resolve("empty"), 1).latest().isEmpty());
    }

    @Test
    void aLatestPointerOrManifestFromElsewhereIsRefusedNamingTheFile() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 1);
        Path cp = store.save(model(1), optimizer(), state(1));
        Path latest = store.root().resolve(CheckpointStore.LATEST);
        for (String outside : List.of("../../elsewhere", "/tmp", "step-1/..", "", "step-\u0000")) {
            Files.writeString(latest, outside);
            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, store::latest, outside);
            assertTrue(e.getMessage().startsWith(latest + " holds '"), e.getMessage());
        }
        Files.write(latest, new byte[]{'s', (byte) 0xff});
        assertEquals(latest + " is not UTF-8 text", assertThrows(CorruptCheckpointException.class, store::latest)
                .getMessage());
        Files.write(cp.resolve(Checkpoint.MANIFEST), new byte[]{'{', (byte) 0xc3, '}'});
        assertEquals("checkpoint " + cp + ": manifest.json is not UTF-8 text",
                assertThrows(CorruptCheckpointException.class, () -> Checkpoint.load(cp)).getMessage());
    }

    @Test
    void architectureMismatchNamesTheField() {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, model(1), optimizer(), state(3));
        RunConfig wider = ConfigLoader.load("dna-top2", null, List.of("model.width=256"));
        ArchitectureMismatchException e = assertThrows(ArchitectureMismatchException.class,
                () -> Checkpoint.load(cp, wider));
        assertEquals(List.of("model.width = 128 in the checkpoint, but 256 here"), e.differences());
        RunConfig pool = ConfigLoader.load("dna-top2", null, List.of("model.pool=transformer:8,identity:1"));
        e = assertThrows(ArchitectureMismatchException.class, () -> Checkpoint.load(cp, pool));
        assertTrue(e.getMessage().contains("model.pool = {\"transformer\":8,\"identity\":2} in the checkpoint"),
                e.getMessage());
        // training-only settings may change on resume
        Checkpoint.load(cp, ConfigLoader.load("dna-top2", null, List.of("model.identityTarget=0.2", "model.dropout=0.1")));

        ArchitectureMismatchException t = assertThrows(ArchitectureMismatchException.class,
                () -> ArchitectureCheck.tensors("cp", Map.of("embed.weight", new int[]{2, 3}, "extra", new int[]{1}),
                        Checkpoint.load(cp).model()));
        assertTrue(t.getMessage().contains("tensor 'embed.weight' has shape [2, 2] in the checkpoint, the model expects [2, 3]"));
        assertTrue(t.getMessage().contains("tensor 'extra' is missing"));
        assertTrue(t.getMessage().contains("tensor 'head.bias' in the checkpoint is not a parameter"));
    }

    private static void assertRefused(Path cp, String expected) {
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> Checkpoint.load(cp));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
