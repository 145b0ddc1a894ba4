package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.GradClip;
import org.jdna.engine.optim.WarmupCosine;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end check of issue 2 (llm.c's discipline): a 2-layer transformer (embeddings, two
 * pre-LN blocks, final LayerNorm, unembedding, cross-entropy) gives the same loss and the same
 * gradient for every parameter on {@link #backend()} as on the reference backend, with weights
 * copied through the state dict; and a short AdamW training run follows the same loss trajectory.
 *
 * <p>Subclass it in a backend module (ships in engine's test-jar) and return the backend; widen
 * the tolerances by overriding the tolerance methods when the backend needs it (say why).
 */
public abstract class TransformerEndToEndCheck {
    /** The loss: a mean of log-sum-exps over rows, after two blocks of float GEMMs. */
    public static final Tolerance LOSS = new Tolerance("E2E_LOSS", 1e-5, 1e-4);
    /** Parameter gradients: chains of GEMM, attention and norm backward passes. */
    public static final Tolerance GRADIENT = new Tolerance("E2E_GRADIENT", 2e-5, 2e-3);
    /** Losses along a short training run, where differences compound through the updates. */
    public static final Tolerance TRAJECTORY = new Tolerance("E2E_TRAJECTORY", 1e-4, 1e-3);

    /** vocab 40, context 16, D 32, 4 heads, 2 layers. */
    protected static final TinyGpt.Config CONFIG = new TinyGpt.Config(40, 16, 32, 4, 2);
    private static final long SEED = 20250622L;

    /** The backend under test. */
    protected abstract Backend backend();

    protected Tolerance lossTolerance() { return LOSS; }

    protected Tolerance gradientTolerance() { return GRADIENT; }

    protected Tolerance trajectoryTolerance() { return TRAJECTORY; }

    /** A batch as rows: ids, original positions, segment offsets and next-token targets. */
    protected record Batch(int[] ids, int[] positions, int[] segments, int[] targets) {
    }

    @Test
    public void denseBatchLossAndEveryGradientMatchReference() {
        compareLossAndGradients(denseBatch(new Rng(SEED).fork("data"), 2, CONFIG.context()), 0);
    }

    @Test
    public void unevenSegmentsWithGappedPositionsMatchReference() {
        // Like DNA's routed attention: each segment holds some tokens of one sequence, in order,
        // with their original positions.
        compareLossAndGradients(routedBatch(new Rng(SEED).fork("routed"), new int[]{5, 11, 1, 9}), 0);
    }

    @Test
    public void shortTrainingRunFollowsTheReferenceLossTrajectory() {
        Rng data = new Rng(SEED).fork("train");
        Batch[] batches = new Batch[6];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = denseBatch(data, 2, CONFIG.context());
        }
        double[] expected = train(ReferenceBackend.INSTANCE, reference(), batches);
        double[] actual = train(backend(), copyOnto(backend(), reference()), batches);
        Compare.assertClose("loss trajectory on " + backend().name(), expected, actual, trajectoryTolerance());
    }

    /**
     * Builds the reference model, copies it to {@link #backend()} through the state dict, applies
     * {@code perturbation} to one final-norm gain there (0 in real checks; the can-fail test uses it),
     * runs forward and backward on both and compares.
     */
    protected final void compareLossAndGradients(Batch batch, float perturbation) {
        TinyGpt ref = reference();
        TinyGpt other = copyOnto(backend(), ref);
        if (perturbation != 0) {
            Tensor w = other.namedParameters().get("ln_f.weight");
            float[] v = w.toArray();
            v[0] += perturbation;
            w.set(v);
        }
        float refLoss = on(ReferenceBackend.INSTANCE, () -> lossAndBackward(ref, batch));
        float otherLoss = on(backend(), () -> lossAndBackward(other, batch));
        Compare.assertClose("loss on " + backend().name(), new float[]{refLoss}, new float[]{otherLoss}, lossTolerance());
        Map<String, Tensor> refParams = ref.namedParameters();
        Map<String, Tensor> otherParams = other.namedParameters();
        assertEquals(refParams.keySet(), otherParams.keySet());
        for (var e : refParams.entrySet()) {
            Tensor g = otherParams.get(e.getKey()).grad();
            assertNotNull(e.getValue().grad(), "no reference gradient for " + e.getKey());
            assertNotNull(g, "no gradient for " + e.getKey() + " on " + backend().name());
            Compare.assertClose("gradient of " + e.getKey() + " on " + backend().name(),
                    e.getValue().grad().toArray(), g.toArray(), gradientTolerance());
        }
    }

    private static float lossAndBackward(TinyGpt model, Batch b) {
        Tensor loss = model.loss(b.ids(), b.positions(), b.segments(), b.targets());
        loss.backward();
        return loss.item();
    }

    private static double[] train(Backend backend, TinyGpt model, Batch[] batches) {
        return on(backend, () -> {
            AdamW opt = new AdamW(model, AdamW.Options.defaults().withLr(3e-3).withWeightDecay(0.1));
            WarmupCosine schedule = new WarmupCosine(3e-3, 3e-4, 2, batches.length);
            double[] losses = new double[batches.length];
            for (int s = 0; s < batches.length; s++) {
                schedule.apply(opt, s);
                opt.zeroGrad();
                losses[s] = lossAndBackward(model, batches[s]);
                GradClip.clipGlobalNorm(model.parameters(), 1.0);
                opt.step();
            }
            return losses;
        });
    }

    protected static TinyGpt reference() {
        return on(ReferenceBackend.INSTANCE, () -> new TinyGpt(CONFIG, new Rng(SEED).fork("init")));
    }

    /** A model of the same config on {@code backend} holding {@code source}'s weights (through the state dict). */
    protected static TinyGpt copyOnto(Backend backend, TinyGpt source) {
        return on(backend, () -> {
            TinyGpt m = new TinyGpt(source.config(), new Rng(~SEED));   // different weights, overwritten next
            m.loadStateDict(source.stateDict(), true);
            return m;
        });
    }

    /** B sequences of length T, each one segment, positions 0..T-1. */
    protected static Batch denseBatch(Rng rng, int batch, int seqLen) {
        int rows = batch * seqLen;
        int[] ids = new int[rows];
        int[] positions = new int[rows];
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            ids[r] = rng.nextInt(CONFIG.vocab());
            targets[r] = rng.nextInt(CONFIG.vocab());
            positions[r] = r % seqLen;
        }
        return new Batch(ids, positions, MultiHeadAttention.denseSegments(batch, seqLen), targets);
    }

    /** Segments of the given lengths, each a sorted random subset of positions of one context. */
    protected static Batch routedBatch(Rng rng, int[] lengths) {
        int rows = Arrays.stream(lengths).sum();
        int[] ids = new int[rows];
        int[] positions = new int[rows];
        int[] targets = new int[rows];
        int[] segments = new int[lengths.length + 1];
        int r = 0;
        for (int s = 0; s < lengths.length; s++) {
            segments[s] = r;
            int needed = lengths[s];
            for (int p = 0; p < CONFIG.context() && needed > 0; p++) {
                // keep position p with probability needed / remaining, so exactly `needed` are kept
                if (rng.nextInt(CONFIG.context() - p) < needed) {
                    ids[r] = rng.nextInt(CONFIG.vocab());
                    targets[r] = rng.nextInt(CONFIG.vocab());
                    positions[r++] = p;
                    needed--;
                }
            }
        }
        segments[lengths.length] = r;
        return new Batch(ids, positions, segments, targets);
    }

    /** Runs {@code body} with {@code backend} as the current backend (new tensors land there). */
    protected static <T> T on(Backend backend, Supplier<T> body) {
        Backend previous = Backends.current();
        Backends.use(backend);
        try {
            return body.get();
        } finally {
            Backends.use(previous);
        }
    }
}
