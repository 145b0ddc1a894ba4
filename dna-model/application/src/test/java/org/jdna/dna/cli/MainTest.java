package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class MainTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void runningOutOfMemoryIsAMessageThatSaysWhatToChange() {
        String m = Main.outOfMemory(new OutOfMemoryError("memory pool: no memory for a block of 7.0 MiB"));
        assertTrue(m.startsWith("error: out of memory: memory pool: no memory for a block of 7.0 MiB\n"), m);
        assertTrue(m.contains("JDNA_JAVA_OPTS") && m.contains("train.microBatches") && m.contains("--resume"), m);
        assertTrue(Main.outOfMemory(new OutOfMemoryError()).contains("the Java heap is full"));
    }

    @Test
    void infoPrintsTheResolvedConfig() {
        Result r = run("info", "--preset", "dense", "--set", "model.width=64", "--set", "heads=2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"width\" : 64"), r.out());
        assertTrue(r.out().contains("\"forcedRouting\" : true"), r.out());
        assertTrue(r.out().contains("D=64, 2 heads"), r.out());
    }

    @Test
    void infoListsEveryConfigField() {
        Result r = run("info", "--fields");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| `model.topK` | integer | `2` |"), r.out());
        assertTrue(r.out().contains("| `train.backend` | text | `'auto'` | auto, reference, simd, cuda |"), r.out());
    }

    @Test
    void taskPicksTheVisionPreset() {
        Result r = run("info", "--task", "vision");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"dataset\" : \"fashion-mnist\""), r.out());
        Result bad = run("info", "--task", "vision", "--preset", "dense");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("conflicts with --preset dense"), bad.err());
    }

    @Test
    void badConfigIsAUserErrorNamingTheField() {
        Result r = run("info", "--set", "model.topK=3");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().startsWith("error: model.topK = 3 must be in [1, 2]"), r.err());
    }

    @Test
    void analyzeOfAMissingCheckpointIsAUserError() {
        Result r = run("analyze", "runs/no-such-run");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("runs/no-such-run does not exist"), r.err());
    }

    @Test
    void infoCountsParametersAndFlops() {
        Result r = run("info", "--set", "model.width=32", "--set", "heads=2", "--set", "context=16",
                "--set", "train.backend=reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*[0-9,]+ parameters; per token [0-9,]+ active, [0-9.]+[kMG]? forward FLOPs.*"),
                r.out());
    }

    @Test
    void infoEstimatesTrainingMemoryAtABatchSize() {
        Result r = run("info", "--set", "model.width=32", "--set", "heads=2", "--set", "context=16",
                "--set", "train.backend=reference", "--batch", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*memory to train at batch 8: about [0-9.]+ [KMG]iB = parameters .* AdamW state"
                + " .* one step's peak [0-9.]+ [KMG]iB.*"), r.out());
    }

    @Test
    void helpListsTheSubcommands() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[]{"train", "eval", "sample", "info", "analyze"}) {
            assertTrue(r.out().contains(c), r.out());
        }
    }
}
