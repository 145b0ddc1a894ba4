package org.jdna.dna.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ModelConfig;

/**
 * Refuses a checkpoint from another architecture, naming what differs. Fields that only steer
 * training (dropout, router noise, the identity target and controller, the balancing loss, router init)
 * may differ; everything that decides the tensors or what the model computes may not.
 */
public final class ArchitectureCheck {
    static final Set<String> TRAINING_ONLY = Set.of("dropout", "routerNoise", "routerNoiseScale", "identityTarget",
            "controllerSpeed", "switchLossAlpha", "routerInitStd");

    private ArchitectureCheck() {}

    /** Throws {@link ArchitectureMismatchException} naming each differing model field (as model.width = a vs b). */
    public static void configs(String checkpoint, ModelConfig expected, ModelConfig saved) {
        List<String> diffs = new ArrayList<>();
        diff("model", ConfigJson.toTree(expected), ConfigJson.toTree(saved), diffs, true);
        if (!diffs.isEmpty()) {
            throw new ArchitectureMismatchException(checkpoint, diffs);
        }
    }

    /** Throws when names or shapes of the loaded tensors differ from what the model expects. */
    public static void tensors(String checkpoint, Map<String, int[]> expectedShapes, Map<String, TensorData> loaded) {
        List<String> diffs = new ArrayList<>();
        Set<String> names = new TreeSet<>(expectedShapes.keySet());
        names.addAll(loaded.keySet());
        for (String n : names) {
            int[] want = expectedShapes.get(n);
            TensorData got = loaded.get(n);
            if (got == null) {
                diffs.add("tensor '" + n + "' is missing from the checkpoint");
            } else if (want == null) {
                diffs.add("tensor '" + n + "' in the checkpoint is not a parameter of this model");
            } else if (!Arrays.equals(want, got.shape())) {
                diffs.add("tensor '" + n + "' has shape " + Arrays.toString(got.shape()) + " in the checkpoint, the model"
                        + " expects " + Arrays.toString(want));
            }
        }
        if (!diffs.isEmpty()) {
            throw new ArchitectureMismatchException(checkpoint, diffs);
        }
    }

    private static void diff(String path, JsonNode want, JsonNode got, List<String> out, boolean top) {
        if (want.isObject() && got.isObject() && !path.equals("model.pool")) {
            Set<String> keys = new TreeSet<>();
            want.fieldNames().forEachRemaining(keys::add);
            got.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (top && TRAINING_ONLY.contains(k)) {
                    continue;
                }
                diff(path + "." + k, want.path(k), got.path(k), out, false);
            }
        } else if (!want.equals(got)) {
            out.add(path + " = " + compact(got) + " in the checkpoint, but " + compact(want) + " here");
        }
    }

    private static String compact(JsonNode n) {
        return n.isMissingNode() ? "(absent)" : n.isTextual() ? n.textValue() : n.toString();
    }
}
