package org.jdna.dna.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static List<String> presets() { return Presets.names(); }

    @ParameterizedTest
    @MethodSource("presets")
    void everyPresetIsValidAndRoundTripsThroughJson(String name) {
        RunConfig c = ConfigValidator.validate(Presets.get(name));
        String json = ConfigJson.toJson(c);
        assertEquals(c, ConfigLoader.fromJson(json, "test"));
    }

    @Test
    void defaultIsSmallTop2DnaOnBrown() {
        RunConfig c = ConfigLoader.load(null, null, List.of());
        assertEquals(Presets.get(Presets.DEFAULT), c);
        assertEquals(2, c.model().topK());
        assertEquals(0.3, c.model().identityTarget());
        assertEquals(10, c.model().poolSize());
        assertEquals(2, c.model().pool().identityCount());
        assertEquals(DataConfig.BROWN, c.data().dataset());
    }

    @Test
    void denseMatchesTop1ActiveBlocks() {
        ModelConfig dense = Presets.get("dense").model();
        ModelConfig top1 = Presets.get("dna-top1").model();
        assertTrue(dense.forcedRouting());
        assertEquals(dense.routedSteps(), dense.poolSize());
        assertEquals(1, dense.topK());
        assertEquals(1, top1.topK());
        assertEquals(0, top1.pool().identityCount());
        assertEquals(dense.width(), top1.width());
        assertEquals(dense.routedSteps(), top1.routedSteps());
    }

    @Test
    void overridesByFullKeyAndUniqueSuffix() {
        RunConfig c = ConfigLoader.load("dna-top2", null, List.of("model.width=256", "heads=8", "train.lr=5e-4",
                "model.pool=transformer:4,mlp:2,identity:1", "renormalize=true", "seed=42", "model.routerInput=raw"));
        assertEquals(256, c.model().width());
        assertEquals(8, c.model().heads());
        assertEquals(5e-4, c.train().lr());
        assertEquals(ModulePool.of(ModuleKind.TRANSFORMER, 4, ModuleKind.MLP, 2, ModuleKind.IDENTITY, 1), c.model().pool());
        assertTrue(c.model().renormalize());
        assertEquals(42L, c.train().seed());
        assertEquals(RouterInput.RAW, c.model().routerInput());
    }

    @Test
    void overrideErrorsNameTheKeyAndValue() {
        assertMessage(() -> ConfigLoader.load(null, null, List.of("model.widht=3")), "unknown field 'model.widht'",
                "model.width");
        assertMessage(() -> ConfigLoader.load(null, null, List.of("model.width=abc")), "model.width = 'abc' is not an integer");
        assertMessage(() -> ConfigLoader.load(null, null, List.of("model.width")), "must look like key=value");
        assertMessage(() -> ConfigLoader.load(null, null, List.of("renormalize=yes")), "must be true or false");
        assertMessage(() -> ConfigLoader.load(null, null, List.of("model.routerInput=foo")), "model.routerInput",
                "[layernorm, raw]");
        assertMessage(() -> ConfigLoader.load(null, null, List.of("model.pool=transformer:x")), "model.pool",
                "is not an integer");
        assertMessage(() -> ConfigLoader.load("nope", null, List.of()), "unknown preset 'nope'", "dna-top1");
    }

    @Test
    void fileSetsASubsetOnTopOfItsPreset() throws IOException {
        Path f = dir.resolve("run.json");
        Files.writeString(f, """
                {"preset": "dense", "model": {"width": 64, "heads": 2, "identityTarget": 0},
                 "train": {"steps": 7}}""");
        RunConfig c = ConfigLoader.load(null, f, List.of("model.identityTarget=0.0"));
        assertEquals(64, c.model().width());
        assertTrue(c.model().forcedRouting());
        assertEquals(7, c.train().steps());
        assertEquals(Presets.get("dense").train().batchSize(), c.train().batchSize());
    }

    @Test
    void poolAcceptsListAndCountsAndWritesTheReadableForm() throws IOException {
        Path f = dir.resolve("pool.json");
        Files.writeString(f, "{\"model\": {\"pool\": [\"mlp\", \"transformer\", \"mlp\", \"identity\", \"identity\"]}}");
        RunConfig c = ConfigLoader.load(null, f, List.of());
        assertEquals(List.of(ModuleKind.MLP, ModuleKind.TRANSFORMER, ModuleKind.MLP, ModuleKind.IDENTITY,
                ModuleKind.IDENTITY), c.model().pool().kinds());
        assertTrue(ConfigJson.toJson(c).contains("\"mlp\", \"transformer\", \"mlp\""), ConfigJson.toJson(c));
        assertEquals(c, ConfigLoader.fromJson(ConfigJson.toJson(c), "round trip"));
        assertTrue(ConfigJson.toJson(Presets.get("dna-top2")).contains("\"transformer\" : 8"));
    }

    @Test
    void unknownFieldInFileIsNamedWithItsPath() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"model\": {\"widht\": 64}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "unknown field 'model.widht'", "width");
        Files.writeString(f, "{\"modle\": {}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "unknown field 'modle'");
        Files.writeString(f, "{\"model\": {\"vision\": {\"patch\": 4}}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "unknown field 'model.vision.patch'");
    }

    @Test
    void wrongTypesAndBadJsonInFileAreNamed() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"model\": {\"width\": \"wide\"}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "model.width");
        Files.writeString(f, "{\"model\": {\"width\": 12.5}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "model.width");
        Files.writeString(f, "{\"model\": {\"routerNoise\": \"loud\"}}");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "model.routerNoise", "[none, gumbel]");
        Files.writeString(f, "{\"model\": ");
        assertMessage(() -> ConfigLoader.load(null, f, List.of()), "not valid JSON", "line 1");
        assertMessage(() -> ConfigLoader.load(null, dir.resolve("missing.json"), List.of()), "does not exist");
    }

    @Test
    void checkpointJsonWithUnknownFieldIsRefused() {
        String json = ConfigJson.toJson(Presets.get("dense")).replace("\"width\"", "\"extra\" : 1, \"width\"");
        assertMessage(() -> ConfigLoader.fromJson(json, "state.json"), "unknown field 'model.extra'");
    }

    @Test
    void integerWrittenForADoubleFieldIsAccepted() throws IOException {
        Path f = dir.resolve("int.json");
        Files.writeString(f, "{\"train\": {\"lr\": 1}}");
        assertEquals(1.0, ConfigLoader.load(null, f, List.of()).train().lr());
        assertFalse(ConfigLoader.load(null, f, List.of("train.lr=0.5")).train().lr() != 0.5);
    }

    /**
     * A wrong JSON type is one line naming the file, the field, the value and the type wanted, in the same words
     * for a config file and a checkpoint's config (no parser wording, no stack trace).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"model": {"width": "big"}}                 | model.width = "big" is not an integer
            {"model": {"width": [1, 2]}}                | model.width = [1,2] is not an integer
            {"model": {"width": null}}                  | model.width = null is not an integer
            {"model": {"width": 12.5}}                  | model.width = 12.5 is not an integer
            {"train": {"seed": 1.5}}                    | train.seed = 1.5 is not an integer
            {"train": {"lr": "fast"}}                   | train.lr = "fast" is not a number
            {"model": {"renormalize": "yes"}}           | model.renormalize = "yes" must be true or false
            {"model": {"routerNoise": 3}}               | model.routerNoise = 3 is not one of [none, gumbel]
            {"data": {"dataset": {"name": "brown"}}}    | data.dataset = {"name":"brown"} is not a string
            {"model": {"vision": {"pooling": ["cls"]}}} | model.vision.pooling = ["cls"] is not one of [mean, cls]
            {"model": {"vision": 3}}                    | model.vision = 3 is not an object
            """)
    void wrongJsonTypeIsOneLineWithFileFieldAndType(String json, String expected) throws IOException {
        Path f = dir.resolve("types.json");
        Files.writeString(f, json);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, f, List.of()));
        assertEquals(f + ": " + expected, e.getMessage());
        ObjectNode saved = (ObjectNode) ConfigJson.toTree(Presets.get("dna-top2"));
        setAll(saved, ConfigJson.MAPPER.readTree(json));
        ConfigException fromCheckpoint = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromJson(saved.toString(), "state.json"));
        assertEquals("state.json: " + expected, fromCheckpoint.getMessage());
    }

    /**
     * config.json files as runs wrote them before the field table (RunDirectory writes ConfigJson.toJson): one in
     * today's format, one from before the routing extras and distillation (7 model fields and "distil" absent).
     * Each loads as its preset with the same overrides, by fromJson (checkpoints) and as --resume reads it, and
     * writes back the same text, plus only the fields it predates.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            run-config-moe.json                  | moe      | train.steps=80,train.outDir=runs/moe-80,model.routerNoise=gumbel,seed=7
            run-config-before-step-modules.json  | dna-top2 | model.width=64,heads=2,train.outDir=runs/small
            """)
    void savedRunConfigsLoadAndWriteBackTheSameText(String file, String preset, String overrides) throws IOException {
        String saved;
        try (var in = ConfigLoaderTest.class.getResourceAsStream(file)) {
            saved = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        RunConfig expected = ConfigLoader.load(preset, null, List.of(overrides.split(",")));
        RunConfig loaded = ConfigLoader.fromJson(saved, file);
        assertEquals(expected, loaded);
        Path runConfig = dir.resolve("config.json");
        Files.writeString(runConfig, saved);
        assertEquals(expected, ConfigLoader.load(null, runConfig, List.of()));
        ObjectNode written = (ObjectNode) ConfigJson.toTree(loaded);
        keepOnly(written, ConfigJson.MAPPER.readTree(saved));
        assertEquals(saved, ConfigJson.MAPPER.writeValueAsString(written));
    }

    // Sets the fields of `from` in `into`, descending into objects that are objects in both.
    private static void setAll(ObjectNode into, JsonNode from) {
        from.properties().forEach(e -> {
            if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
                setAll(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    // Drops from `tree` the fields `like` does not have, at every level.
    private static void keepOnly(JsonNode tree, JsonNode like) {
        if (tree instanceof ObjectNode o && like.isObject()) {
            List<String> names = new java.util.ArrayList<>();
            like.fieldNames().forEachRemaining(names::add);
            o.retain(names);
            o.properties().forEach(e -> keepOnly(e.getValue(), like.get(e.getKey())));
        }
    }

    static void assertMessage(Runnable r, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
