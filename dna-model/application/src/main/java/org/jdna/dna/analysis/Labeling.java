package org.jdna.dna.analysis;

import java.util.List;

/**
 * A label for every token (or patch) of the evaluation set, e.g. its part-of-speech tag or its image's class.
 *
 * @param name    what the label is ("tag", "class", "byte")
 * @param values  (N) category id of each token, or {@link #EXCLUDED} for tokens this labeling leaves out
 *                (e.g. spaces when measuring words only)
 * @param classes names of the categories, index = id
 */
public record Labeling(String name, int[] values, List<String> classes) {
    public static final int EXCLUDED = -1;

    public Labeling {
        classes = List.copyOf(classes);
        for (int i = 0; i < values.length; i++) {
            if (values[i] < EXCLUDED || values[i] >= classes.size()) {
                throw new IllegalArgumentException("Labeling '" + name + "': value " + values[i] + " at token " + i
                        + " is outside 0.." + (classes.size() - 1) + " (or " + EXCLUDED + " for excluded)");
            }
        }
    }

    public int size() { return values.length; }

    /** Tokens with a label (not excluded). */
    public int labelled() {
        int n = 0;
        for (int v : values) {
            if (v != EXCLUDED) {
                n++;
            }
        }
        return n;
    }

    /** The pairs (x[i], label[i]) of the labelled tokens only: {x', y'}. */
    int[][] pairedWith(int[] x) {
        if (x.length != values.length) {
            throw new IllegalArgumentException("Labeling '" + name + "': " + values.length + " labels for "
                    + x.length + " tokens");
        }
        int m = labelled();
        int[] xs = new int[m];
        int[] ys = new int[m];
        int j = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != EXCLUDED) {
                xs[j] = x[i];
                ys[j] = values[i];
                j++;
            }
        }
        return new int[][]{xs, ys};
    }
}
