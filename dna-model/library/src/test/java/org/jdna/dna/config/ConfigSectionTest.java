package org.jdna.dna.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The field tables: checked against their records, and JSON, --set, defaults and the reference follow from them. */
class ConfigSectionTest {
    record Toy(int count, double rate) {}

    @Test
    void aTableThatDisagreesWithItsRecordFailsNamingTheField() {
        assertBuildFails("entry 1 is 'null' but the record component is 'rate'", b -> b.field("count", 1, "n"));
        assertBuildFails("entry 0 is 'rate' but the record component is 'count'", b -> {
            b.field("rate", 0.5, "r");
            b.field("count", 1, "n");
        });
        assertBuildFails("Toy.rate: default 1 is not a double", b -> {
            b.field("count", 1, "n");
            b.field("rate", 1, "r");
        });
        assertBuildFails("Toy.count = 0 must be in [1, 4] (n)", b -> {
            b.field("count", 0, "n").range(1, 4);
            b.field("rate", 0.5, "r");
        });
    }

    @Test
    void defaultsAreTheDefaultPresetAndWithChangesOneField() {
        assertEquals(Presets.get(Presets.DEFAULT), RunConfig.FIELDS.defaults());
        ModelConfig m = ModelConfig.FIELDS.defaults();
        ModelConfig top1 = m.with(ModelConfig.TOP_K, 1);
        assertEquals(1, top1.topK());
        assertEquals(m, top1.with(ModelConfig.TOP_K, 2));
        assertEquals(2, ModelConfig.FIELDS.get(m, ModelConfig.TOP_K));
        assertNotEquals(m, top1);
    }

    /** Every leaf takes its own default's text on the command line, and the config stays the defaults. */
    @Test
    void everyFieldCanBeSetByName() {
        Map<String, ConfigField<?, ?>> leaves = RunConfig.FIELDS.leaves("");
        assertTrue(leaves.keySet().containsAll(List.of("model.pool", "model.vision.patchSize", "train.seed",
                "data.cacheDir", "distil.teacher")), leaves.keySet().toString());
        for (Map.Entry<String, ConfigField<?, ?>> e : leaves.entrySet()) {
            Object d = e.getValue().defaultValue();
            String text = d instanceof Enum<?> en ? ConfigNames.of(en) : String.valueOf(d);
            assertEquals(RunConfig.FIELDS.defaults(), ConfigLoader.load(null, null, List.of(e.getKey() + "=" + text)),
                    e.getKey());
        }
    }

    @Test
    void aSavedConfigMayLackOnlyTheOptionalFields() {
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(Presets.get("dense"));
        ((ObjectNode) tree.get("model")).remove("width");
        ConfigLoaderTest.assertMessage(() -> ConfigLoader.fromJson(tree.toString(), "state.json"),
                "state.json: model.width is missing");
        ObjectNode old = (ObjectNode) ConfigJson.toTree(Presets.get("dense"));
        for (ConfigField<ModelConfig, ?> f : ModelConfig.FIELDS.fields()) {
            if (f.isOptional()) {
                ((ObjectNode) old.get("model")).remove(f.name());
            }
        }
        old.remove("distil");
        assertEquals(Presets.get("dense"), ConfigLoader.fromJson(old.toString(), "old state.json"));
    }

    @Test
    void theReferenceListsEveryFieldWithDefaultAndRange() {
        String ref = ConfigReference.markdown();
        for (String leaf : RunConfig.FIELDS.leaves("").keySet()) {
            assertTrue(ref.contains("| `" + leaf + "` |"), leaf);
        }
        assertTrue(ref.contains("| `model.topK` | integer | `2` | [1, min(2, E)] |"), ref);
        assertTrue(ref.contains("| `model.vocabSize` | integer | `256` | [256, 256] if task = language |"), ref);
        assertTrue(ref.contains("| `model.positions` | learned / rope | `learned` |  |"), ref);
        assertTrue(ref.contains("| `train.beta2` | number | `0.95` | [0, 1) |"), ref);
        assertTrue(ref.contains("### model.vision"), ref);
    }

    private static void assertBuildFails(String message, java.util.function.Consumer<ConfigSection.Builder<Toy>> table) {
        ConfigSection.Builder<Toy> b = ConfigSection.builder(Toy.class);
        table.accept(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
