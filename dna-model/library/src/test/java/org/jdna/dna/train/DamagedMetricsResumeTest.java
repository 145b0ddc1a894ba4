package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A garbage line inside metrics.jsonl does not stop a resume from a valid checkpoint. */
class DamagedMetricsResumeTest {
    @TempDir
    Path tmp;

    @Test
    void resumeSkipsAGarbageLineAndContinuesBitIdentically() throws IOException {
        Path straight = tmp.resolve("straight");
        Trainer.run(TinyRuns.config(straight, 4, "train.checkpointEvery=2"), TinyRuns.quietOptions());

        Path split = tmp.resolve("split");
        assertThrows(IllegalStateException.class, () -> Trainer.run(
                TinyRuns.config(split, 4, "train.checkpointEvery=2"), TinyRuns.quietOptions().withHooks((step, m) -> {
                    if (step == 3) {
                        throw new IllegalStateException("simulated crash before step 3");
                    }
                })));
        Path metrics = split.resolve(RunDirectory.METRICS);
        List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
        lines.add(2, "\u0000\u0000 not json {");
        Files.write(metrics, lines, StandardCharsets.UTF_8);

        Trainer.run(TinyRuns.config(split, 4, "train.checkpointEvery=2"), TinyRuns.quietOptions().withResume(true));

        assertEquals(TinyRuns.losses(straight), TinyRuns.losses(split));
        assertFalse(Files.readString(metrics).contains("not json"), "the resumed log is rewritten without the garbage");
    }
}
