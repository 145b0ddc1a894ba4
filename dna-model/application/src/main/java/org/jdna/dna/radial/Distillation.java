package org.jdna.dna.radial;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.DistilConfig;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainExtension;
import org.jdna.dna.train.TrainedModel;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.tensor.Tensor;

/**
 * Distils a Radial Network (or any routed DNA) from a trained dense run (docs/method.md section 6):
 * <ol>
 *   <li>{@link #initialise}: the student takes the teacher's input node, backbone, layers (teacher module
 *       e = the dense model's layer N_b + e becomes student pool module e) and output node; its routers are
 *       new. Step s's selection bias favours pool module s while s is within the teacher's depth, then the
 *       exit, by {@code distil.pathBias}; with straight-through weights the untrained student is then exactly
 *       the teacher (tested). With {@code distil.fineTune = false} only the routers train.</li>
 *   <li>{@link #extraLoss}: klWeight * T^2 * KL(softmax(teacher / T) || softmax(student / T)), the mean over
 *       tokens, with the teacher run without gradient on the same batch. The cross-entropy stays in the loss,
 *       and the identity-bias controller (model.identityTarget) pushes tokens to exit, so the router learns
 *       which tokens can leave early at the least cost in KL.</li>
 * </ol>
 * Legend: N tokens, V vocabulary, S routed steps, E pool modules.
 */
public final class Distillation implements TrainExtension {
    private final DistilConfig config;
    private final DnaModel teacher;

    private Distillation(DistilConfig config, DnaModel teacher) {
        this.config = config;
        this.teacher = teacher;
    }

    /** Distillation where the config asks for it ({@code distil.teacher} set), plain training otherwise. */
    public static final TrainExtension.Factory FACTORY =
            (config, err) -> config.distil().active() ? open(config, err) : TrainExtension.NONE;

    /** Loads the teacher named by {@code config.distil().teacher()} on the current backend. */
    public static Distillation open(RunConfig config, PrintWriter err) {
        DistilConfig d = config.distil();
        TrainedModel t = TrainedModel.load(Path.of(d.teacher()), config.train().backend(), config.train().threads());
        checkCompatible(t.model().config(), config.model(), d.teacher());
        if (err != null) {
            err.printf("distil: teacher %s (%d parameters), KL weight %.3g at temperature %.3g, path bias %.3g%s%n",
                    t.checkpoint(), t.model().numParameters(), d.klWeight(), d.temperature(), d.pathBias(),
                    d.fineTune() ? "" : ", layers frozen");
            err.flush();
        }
        return of(d, t.model());
    }

    /** With a teacher already in memory (tests). */
    public static Distillation of(DistilConfig config, DnaModel teacher) {
        teacher.eval();
        return new Distillation(config, teacher);
    }

    static void checkCompatible(ModelConfig teacher, ModelConfig student, String where) {
        if (!teacher.forcedRouting() && !teacher.allStepsForced()) {
            throw new ConfigException("distil.teacher = " + where + " is not a dense run (model.forcedRouting = false)");
        }
        if (teacher.width() != student.width() || teacher.heads() != student.heads()
                || teacher.mlpHidden() != student.poolHidden() || teacher.vocabSize() != student.vocabSize()
                || teacher.context() != student.context() || teacher.backboneBlocks() != student.backboneBlocks()
                || teacher.tiedEmbeddings() != student.tiedEmbeddings()) {
            throw new ConfigException("distil.teacher = " + where + ": its shape (D = " + teacher.width() + ", heads = "
                    + teacher.heads() + ", H = " + teacher.mlpHidden() + ", T = " + teacher.context() + ", N_b = "
                    + teacher.backboneBlocks() + ") differs from the student's (D = " + student.width() + ", heads = "
                    + student.heads() + ", H = " + student.poolHidden() + ", T = " + student.context() + ", N_b = "
                    + student.backboneBlocks() + ")");
        }
        int layers = teacher.routedSteps();
        for (int e = 0; e < layers; e++) {
            if (e >= student.poolSize() || student.pool().kind(e) != teacher.pool().kind(e)) {
                throw new ConfigException("distil.teacher = " + where + ": the student's pool " + student.pool()
                        + " must start with the teacher's " + layers + " layers " + teacher.pool());
            }
        }
        if (student.pool().identityCount() == 0) {
            throw new ConfigException("distil: the student's pool " + student.pool() + " has no identity (exit) module");
        }
    }

    @Override
    public void initialise(DnaModel student) {
        Map<String, Tensor> from = teacher.stateDict();
        Map<String, Tensor> copy = new LinkedHashMap<>();
        Map<String, Tensor> own = student.stateDict();
        for (var e : from.entrySet()) {
            String k = e.getKey();
            if ((k.startsWith("input.") || k.startsWith("backbone.") || k.startsWith("pool.") || k.startsWith("output."))
                    && own.containsKey(k)) {
                copy.put(k, e.getValue());
            }
        }
        student.loadStateDict(copy, false);
        student.setIdentityBias(pathBias(student.config(), teacher.config().routedSteps(), (float) config.pathBias()));
    }

    /** Without fine-tuning only the routers learn: every other gradient is dropped, so AdamW skips those weights. */
    @Override
    public void afterBackward(DnaModel student) {
        if (!config.fineTune()) {
            student.namedParameters().forEach((name, p) -> {
                if (!name.startsWith("routers.")) {
                    p.zeroGrad();
                }
            });
        }
    }

    /** (S, E) biases: step s favours module s for s < teacher depth, then the first identity (the exit). */
    static float[] pathBias(ModelConfig student, int teacherLayers, float bias) {
        int s = student.routedSteps();
        int e = student.poolSize();
        int exit = -1;
        for (int i = e - 1; i >= 0; i--) {
            exit = student.pool().kind(i).isIdentity() ? i : exit;
        }
        float[] b = new float[s * e];
        for (int step = 0; step < s; step++) {
            b[step * e + (step < teacherLayers ? step : exit)] = bias;
        }
        return b;
    }

    @Override
    public Tensor extraLoss(ModelOutput out, TrainBatch batch) {
        if (config.klWeight() == 0) {
            return null;
        }
        Tensor target;
        try (GradMode.Scope ignored = GradMode.disabled()) {
            target = batch.forward(teacher).logits();
        }
        return kl(target, out.logits(), config.temperature()).mul((float) config.klWeight());
    }

    /** T^2 * mean over rows of KL(softmax(teacher / T) || softmax(student / T)); logits (N, V), teacher without gradient. */
    public static Tensor kl(Tensor teacherLogits, Tensor studentLogits, double temperature) {
        float inv = (float) (1 / temperature);
        Tensor logP = teacherLogits.mul(inv).logSoftmax(1).detach();                 // (N, V)
        Tensor logQ = studentLogits.mul(inv).logSoftmax(1);                           // (N, V)
        Tensor perRow = logP.exp().mul(logP.sub(logQ)).sum(false, 1);                 // (N)
        return perRow.mean().mul((float) (temperature * temperature));
    }

    public DnaModel teacher() { return teacher; }
}
