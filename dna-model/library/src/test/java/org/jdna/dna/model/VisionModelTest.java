package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jdna.dna.config.Pooling;
import org.jdna.dna.config.Task;
import org.jdna.dna.config.VisionConfig;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The vision DNA: patch layout, shapes with class token and mean pooling, non-causal attention, bad input. */
@ExtendWith(ReferenceBackendExtension.class)
class VisionModelTest {
    private static final int B = 3;

    private static ModelConfigs vision(Pooling pooling) {
        ModelConfigs c = ModelConfigs.language().pool("transformer:2,identity:1");
        c.task = Task.VISION;
        c.vision = new VisionConfig(8, 1, 4, 3, pooling); // 4 patches of 16 values, 3 classes
        c.hidden = 32;
        c.steps = 2;
        c.topK = 2;
        c.routerInitStd = 0.5;
        return c;
    }

    @Test
    void logitsAndTraceHaveTheImageShapes() {
        for (Pooling pooling : Pooling.values()) {
            DnaModel dna = new DnaModel(vision(pooling).build(), 5);
            ModelOutput out = dna.forwardImages(pixels(new Rng(6), B * 64), B);
            assertArrayEquals(new int[]{B, 3}, out.logits().shape(), pooling.toString());
            int seqLen = pooling == Pooling.CLS ? 5 : 4;
            assertEquals(seqLen, out.trace().seqLen());
            assertEquals(B * seqLen, out.trace().tokens());
            assertEquals(B * seqLen * 2, out.trace().steps().get(0).modules().length);
            assertEquals(pooling == Pooling.CLS, dna.stateDict().containsKey("input.cls"));
            assertTrue(dna.stateDict().containsKey("output.head.bias"));
        }
    }

    @Test
    void attentionIsNotCausalAcrossPatches() {
        ModelConfigs c = vision(Pooling.CLS);
        DnaModel dna = new DnaModel(c.build(), 7);
        float[] pixels = pixels(new Rng(8), B * 64);
        float[] before = backboneState(dna, pixels);
        float[] changed = pixels.clone();
        for (int y = 4; y < 8; y++) {
            for (int x = 4; x < 8; x++) {
                changed[y * 8 + x] += 0.5f; // image 0, its last patch (bottom right)
            }
        }
        float[] after = backboneState(dna, changed);
        int d = c.width;
        // rows of image 0: 0 = class token, 1..4 = patches; image 1 starts at row 5
        assertFalse(Arrays.equals(Diff.rows(before, d, 0, 1), Diff.rows(after, d, 0, 1)), "class token sees the patch");
        assertFalse(Arrays.equals(Diff.rows(before, d, 1, 2), Diff.rows(after, d, 1, 2)), "patch 0 sees patch 3");
        assertArrayEquals(Diff.rows(before, d, 5, 3 * 5), Diff.rows(after, d, 5, 3 * 5), "other images are apart");
    }

    @Test
    void patchesAreRowMajorWithChannelMajorValues() {
        ModelConfigs c = vision(Pooling.MEAN);
        c.vision = new VisionConfig(4, 2, 2, 3, Pooling.MEAN);
        DnaModel dna = new DnaModel(c.build(), 1);
        float[] image = new float[32];
        for (int i = 0; i < image.length; i++) {
            image[i] = i; // channel 0: 0..15, channel 1: 16..31, rows of 4
        }
        float[] p = dna.patchInput().patchify(image, 1);
        assertArrayEquals(new float[]{
                0, 1, 4, 5, 16, 17, 20, 21,
                2, 3, 6, 7, 18, 19, 22, 23,
                8, 9, 12, 13, 24, 25, 28, 29,
                10, 11, 14, 15, 26, 27, 30, 31}, p);
    }

    @Test
    void wrongPixelCountsAndWrongTasksAreRefused() {
        DnaModel dna = new DnaModel(vision(Pooling.MEAN).build(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dna.forwardImages(new float[2 * 64 - 1], 2));
        assertTrue(e.getMessage().contains("forwardImages") && e.getMessage().contains("127")
                && e.getMessage().contains("128"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dna.forwardImages(new float[64], 0));
        assertThrows(IllegalStateException.class, () -> dna.forwardTokens(new int[]{1, 2}, 1));
    }

    private static float[] backboneState(DnaModel dna, float[] pixels) {
        List<float[]> states = new ArrayList<>();
        dna.forwardImages(pixels, B, (stage, i, h) -> {
            if (stage == StateObserver.Stage.BACKBONE) {
                states.add(h.toArray());
            }
        });
        return states.getFirst();
    }

    private static float[] pixels(Rng rng, int n) {
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) rng.nextDouble();
        }
        return p;
    }
}
