package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.compare.Comparison;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Task;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdna compare} runs its table as a sweep: each run trained as the trainer trains it, the distilled entry
 * after the dense teacher it starts from, a failed run named under the table of the others.
 */
class CompareCommandTest {
    @TempDir
    Path tmp;

    /** Small models of every preset's shape on synthetic text, two steps each. */
    private static final List<String> TINY = List.of("model.width=16", "model.heads=2", "model.mlpHidden=32",
            "model.context=16", "train.batchSize=2", "train.steps=2", "train.warmupSteps=1", "train.evalBatches=1",
            "train.evalEvery=0", "train.checkpointEvery=0", "train.backend=reference", "data.dataset=synthetic-text",
            "data.syntheticSize=20000");

    /** Two runs side by side (local[2]): only the phases keep the distilled run from starting before its teacher. */
    private static MainTest.Result compare(Path out, String only) {
        List<String> args = new ArrayList<>(List.of("compare", "--only", only, "--seeds", "1", "--out", out.toString(),
                "--master", "local[2]"));
        for (String o : TINY) {
            args.add("--set");
            args.add(o);
        }
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test
    void theTableIsASweepWithTheDistilledRunAfterItsTeacher() throws IOException {
        Path out = tmp.resolve("cmp");
        MainTest.Result r = compare(out, "dense,radial-distil");
        assertEquals(0, r.code(), r.err() + r.out());
        String table = Files.readString(out.resolve("comparison.md"));
        assertTrue(table.contains("| Dense transformer | ") && table.contains("| Radial (distilled from dense) | "), table);
        assertTrue(r.err().contains("jdna sweep: 2 runs on local[2]"), r.err());
        // the sweep's dense run is the trainer's, bit for bit
        List<String> direct = new ArrayList<>(Comparison.budget(Task.LANGUAGE));     // what compare puts first
        direct.addAll(TINY);
        direct.addAll(List.of("train.seed=1", "train.outDir=" + tmp.resolve("direct")));
        Trainer.run(ConfigLoader.load("dense", null, direct), TinyRuns.quietOptions());
        assertEquals(TinyRuns.losses(tmp.resolve("direct")), TinyRuns.losses(out.resolve("dense-seed1")));
        assertEquals(2, TinyRuns.losses(out.resolve("radial-distil-seed1")).size());
    }

    @Test
    void resumeKeepsFinishedRunsAndWithoutItEveryRunStartsOver() throws IOException {
        Path out = tmp.resolve("pieces");
        assertEquals(0, compare(out, "dense").code());
        Path metrics = out.resolve("dense-seed1/metrics.jsonl");
        var finished = Files.getLastModifiedTime(metrics);
        List<String> args = new ArrayList<>(List.of("compare", "--only", "dense", "--seeds", "1", "--out",
                out.toString(), "--resume"));
        TINY.forEach(o -> args.addAll(List.of("--set", o)));
        MainTest.Result resumed = MainTest.run(args.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(finished, Files.getLastModifiedTime(metrics), "a finished run is left as it is");
        assertTrue(Files.exists(out.resolve("curves.svg")), "the curves are drawn next to the table");
        args.remove("--resume");
        assertEquals(0, MainTest.run(args.toArray(String[]::new)).code());
        assertTrue(Files.getLastModifiedTime(metrics).compareTo(finished) > 0, "without --resume the run starts over");
    }

    @Test
    void aFailedRunIsNamedUnderTheTableAndTheCommandFails() throws IOException {
        MainTest.Result alone = compare(tmp.resolve("alone"), "radial-distil");  // no dense teacher in this folder
        assertEquals(1, alone.code(), alone.err() + alone.out());
        assertTrue(alone.out().contains("Failed runs (left out of the table):\n- radial-distil-seed1: "), alone.out());
        assertTrue(Files.readString(tmp.resolve("alone/comparison.md")).contains("- radial-distil-seed1: "));
    }
}
