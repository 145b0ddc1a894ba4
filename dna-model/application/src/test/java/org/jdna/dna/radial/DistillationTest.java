package org.jdna.dna.radial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.DistilConfig;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.train.RunSummary;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.Trainer;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Issue 7: a Radial Network distilled from a dense model starts as exactly that model and trains end to end. */
@ExtendWith(ReferenceBackendExtension.class)
class DistillationTest {
    private static List<String> dense(Path out, int steps) {
        List<String> o = TinyRuns.overrides(out, steps);
        o.add("model.pool=transformer:2");
        return o;
    }

    private static List<String> radial(Path out, int steps, String teacher) {
        List<String> o = TinyRuns.overrides(out, steps);
        o.removeIf(s -> s.startsWith("model.routedSteps"));
        o.addAll(List.of("model.routedSteps=3", "model.pool=transformer:2,identity:1", "model.routerHidden=8",
                "distil.teacher=" + teacher));
        return o;
    }

    @Test
    void theUntrainedStudentIsExactlyTheTeacher(@TempDir Path dir) {
        RunConfig t = ConfigLoader.load("dense", null, dense(dir.resolve("t"), 1));
        RunConfig s = ConfigLoader.load("radial-distil", null, radial(dir.resolve("s"), 1, "unused"));
        DnaModel teacher = new DnaModel(t.model(), 1);
        DnaModel student = new DnaModel(s.model(), 2);
        Distillation d = Distillation.of(s.distil(), teacher);
        d.initialise(student);
        int[] tokens = new int[2 * 16];
        Rng rng = new Rng(3);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(256);
        }
        float[] expected = teacher.forwardTokens(tokens, 2).logits().toArray();
        ModelOutput out = student.forwardTokens(tokens, 2);
        float[] actual = out.logits().toArray();
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        assertTrue(max <= 1e-5, "student at init vs teacher: largest difference " + max);
        // The path: layer 0, layer 1, then the exit (the teacher has 2 layers, the student 3 steps).
        assertEquals(0, out.trace().path(0)[0]);
        assertEquals(1, out.trace().path(0)[1]);
        assertEquals(2, out.trace().path(0)[2]);
        assertEquals(0.0, Distillation.kl(teacher.forwardTokens(tokens, 2).logits(), out.logits(), 1).item(), 1e-6);
    }

    @Test
    void klMatchesAHandComputationAndIsPositive() {
        float[] p = {1f, 2f, 0.5f, -1f, 0f, 3f};
        float[] q = {0f, 1f, 1f, 2f, 0.5f, -0.5f};
        double expected = 0;
        for (int r = 0; r < 2; r++) {
            double[] lp = logSoftmax(p, r * 3, 2.0);
            double[] lq = logSoftmax(q, r * 3, 2.0);
            for (int i = 0; i < 3; i++) {
                expected += Math.exp(lp[i]) * (lp[i] - lq[i]);
            }
        }
        expected = expected / 2 * 4; // mean over rows, times T^2
        double actual = Distillation.kl(Tensor.of(p, 2, 3), Tensor.of(q, 2, 3), 2.0).item();
        assertEquals(expected, actual, 1e-6);
        assertTrue(actual > 0.01);
    }

    @Test
    void distilsFromADenseRunEndToEndAndFrozenLayersStayPut(@TempDir Path dir) {
        Path teacher = dir.resolve("dense");
        Trainer.run(ConfigLoader.load("dense", null, dense(teacher, 2)), TinyRuns.quietOptions());
        List<String> o = radial(dir.resolve("student"), 3, teacher.toString());
        o.add("distil.fineTune=false");
        RunConfig s = ConfigLoader.load("radial-distil", null, o);
        assertTrue(s.distil().active());
        RunSummary summary = Trainer.run(s, TinyRuns.quietOptions().withExtensions(Distillation.FACTORY));
        var teacherModel = org.jdna.dna.train.TrainedModel.load(teacher, "reference", 1).model();
        var studentModel = org.jdna.dna.train.TrainedModel.load(dir.resolve("student"), "reference", 1).model();
        assertEquals(java.util.Arrays.toString(teacherModel.stateDict().get("pool.1.mlp.fc.weight").toArray()),
                java.util.Arrays.toString(studentModel.stateDict().get("pool.1.mlp.fc.weight").toArray()),
                "fineTune = false: the layers stay the teacher's");
        assertTrue(Double.isFinite(((Number) summary.toMap().get("valLoss")).doubleValue()));
        var records = TinyRuns.records(dir.resolve("student"), "step");
        assertEquals(3, records.size());
        // every step logs the KL term as its aux loss; with the layers frozen and every token still on the teacher's
        // path (straight-through weights), the student computes the teacher's logits: KL 0
        for (var r : records) {
            assertEquals(0.0, auxLoss(r), 1e-9, "the KL term of a student that is still its teacher: " + r);
        }
        // fine-tuned, the layers move after step 1 and the student's logits leave the teacher's: KL > 0
        Path tuned = dir.resolve("tuned");
        Trainer.run(ConfigLoader.load("radial-distil", null, radial(tuned, 2, teacher.toString())),
                TinyRuns.quietOptions().withExtensions(Distillation.FACTORY));
        var tunedSteps = TinyRuns.records(tuned, "step");
        assertEquals(0.0, auxLoss(tunedSteps.get(0)), 1e-9, tunedSteps.get(0).toString());
        assertTrue(auxLoss(tunedSteps.get(1)) > 0, tunedSteps.get(1).toString());
    }

    /** A step record's aux loss; fails when the record has none. */
    private static double auxLoss(java.util.Map<String, Object> step) {
        assertTrue(step.get("auxLoss") instanceof Number, "no auxLoss in " + step);
        return ((Number) step.get("auxLoss")).doubleValue();
    }

    @Test
    void noTeacherNoDistillation() {
        assertNull(Distillation.of(DistilConfig.NONE.withTeacher("x").withKl(0),
                new DnaModel(ConfigLoader.load("dense", null, dense(Path.of("unused"), 1)).model(), 1))
                .extraLoss(null, null));
    }

    private static double[] logSoftmax(float[] x, int from, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            max = Math.max(max, x[from + i] / t);
        }
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += Math.exp(x[from + i] / t - max);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            out[i] = x[from + i] / t - max - Math.log(sum);
        }
        return out;
    }

}
