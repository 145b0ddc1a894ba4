package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.junit.jupiter.api.Test;

class DenseBaselineTest {
    @Test
    void theBaselineOfDnaTop2IsTheDensePreset() {
        RunConfig dna = Presets.get("dna-top2");
        RunConfig dense = DenseBaseline.of(dna, Path.of("runs/dense"));
        assertEquals(Presets.get("dense").model(), dense.model());
        assertEquals(dna.train().withOutDir("runs/dense"), dense.train(), "same budget, seed and optimizer");
        assertEquals(dna.data(), dense.data());
    }

    @Test
    void theBaselineOfAVisionDnaIsTheVisionDensePreset() {
        RunConfig dense = DenseBaseline.of(Presets.get("vision-dna-top2"), Path.of("runs/vision-dense"));
        assertEquals(Presets.get("vision-dense").model(), dense.model());
    }
}
