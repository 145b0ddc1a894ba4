package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.RunConfig;

/**
 * Refuses a resumed run's configuration where it changes what the checkpoint already fixed: the
 * seed (the weights, data order and generators come from the checkpoint, so a new seed would only be
 * recorded, never used), the batch size (the token count and the batcher's state assume it) and the
 * data (where it is cached may change). The model's architecture is {@link org.jdna.dna.io.ArchitectureCheck}'s; the schedule, the
 * intervals, the step count and where it runs may change.
 */
final class ResumeCheck {
    private static final List<String> FIXED_TRAIN_FIELDS = List.of("seed", "batchSize");
    /** Data fields that say where the data is found, not what it is. */
    private static final Set<String> FREE_DATA_FIELDS = Set.of("cacheDir", "allowFallback");

    private ResumeCheck() {}

    /** Throws a ConfigException naming each fixed field that {@code requested} changes from {@code saved}. */
    static void agree(Path runDir, RunConfig saved, RunConfig requested) {
        List<String> diffs = new ArrayList<>();
        JsonNode was = ConfigJson.toTree(saved.train());
        JsonNode now = ConfigJson.toTree(requested.train());
        for (String field : FIXED_TRAIN_FIELDS) {
            differ("train." + field, was.path(field), now.path(field), diffs);
        }
        JsonNode wasData = ConfigJson.toTree(saved.data());
        JsonNode nowData = ConfigJson.toTree(requested.data());
        Set<String> dataFields = new TreeSet<>();
        wasData.fieldNames().forEachRemaining(dataFields::add);
        nowData.fieldNames().forEachRemaining(dataFields::add);
        dataFields.removeAll(FREE_DATA_FIELDS);
        for (String field : dataFields) {
            differ("data." + field, wasData.path(field), nowData.path(field), diffs);
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("--resume: " + String.join("; ", diffs) + ": a resumed run keeps the seed, batch"
                    + " size and data of its checkpoint in " + runDir + " (drop the option, or --overwrite to start over)");
        }
    }

    private static void differ(String name, JsonNode was, JsonNode now, List<String> diffs) {
        if (!was.equals(now)) {
            diffs.add(name + " = " + text(now) + " here, but the run was trained with " + text(was));
        }
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() ? "(absent)" : n.isTextual() ? n.textValue() : n.toString();
    }
}
