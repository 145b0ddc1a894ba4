package org.jdna.dna.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Positions;
import org.jdna.dna.config.RouterNoise;
import org.jdna.dna.config.Task;
import org.jdna.engine.nn.Gpt2Init;
import org.jdna.engine.nn.Module;
import org.jdna.engine.nn.ModuleList;
import org.jdna.engine.nn.MultiHeadAttention;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The DNA proto-architecture (docs/method.md sections 1 and 3): input node, N_b dense backbone blocks,
 * S routed steps over a shared pool of E modules with one router per step, output node.
 *
 * <p>API contract shared by the trainer, the CLI and the analysis:
 * <ul>
 *   <li>{@code new DnaModel(ModelConfig config, long seed)}: same seed, same weights on every backend;</li>
 *   <li>{@link #forwardTokens}: tokens (B, T) as int[B*T] -> logits (B*T, V);</li>
 *   <li>{@link #forwardImages}: pixels (B, C*H*W) in [0, 1] -> logits (B, classes);</li>
 *   <li>{@link #afterOptimizerStep}: the identity-bias controller's update (no gradient), called once per step;</li>
 *   <li>{@link #account}: parameters, active parameters and forward FLOPs per token from what actually ran.</li>
 * </ul>
 * The controller's biases are a buffer of the state dict ({@code "identity_bias"}, shape (S, E)), so checkpoints
 * carry them.
 *
 * <p>State-dict names: {@code input.tok.weight}, {@code input.pos.weight} (language) or {@code input.patch.*},
 * {@code input.cls}, {@code input.pos.weight} (vision); {@code backbone.i.*} (TransformerBlock: ln1, attn.qkv,
 * attn.proj, ln2, mlp.fc, mlp.proj); {@code step_attn.s.*} (attention halves, only with model.stepAttention);
 * {@code routers.s.norm.*}, {@code routers.s.fc.*} (MLP routers only), {@code routers.s.proj.weight} (absent at
 * forced steps: forced routing, or one allowed module in model.stepModules); {@code pool.e.*} (non-identity modules
 * only); {@code output.norm.*}, {@code output.head.*} (absent when tied); {@code identity_bias}.
 *
 * <p>Initialisation: everything is drawn from {@code new Rng(seed)} in creation order, then GPT-2's scheme over
 * the whole tree ({@link Gpt2Init}, residual projections scaled for N_b + S blocks), then the router matrices
 * from N(0, routerInitStd^2) (zeros when 0). Gumbel router noise (training mode only) draws from its own stream,
 * {@code new Rng(seed).fork("router-noise")}.
 *
 * <p>With {@code forcedRouting} step s runs module s on every token with weight 1: h = M_s(h) exactly, a plain
 * dense transformer, with no router and no dispatch.
 *
 * <p>Legend: B batch, T tokens per sequence, L positions the blocks see (T, or patches + class token), N = B*L,
 * D width, E modules, K choices per token, S routed steps, V vocabulary.
 */
public final class DnaModel extends Module {
    private final ModelConfig config;
    private final TokenInput tokenInput;          // language, else null
    private final PatchInput patchInput;          // vision, else null
    private final ModuleList<TransformerBlock> backbone;
    private final ModuleList<TransformerBlock> stepAttention; // null unless model.stepAttention
    private final StepRouters routers;            // no router at forced steps
    private final Pool pool;
    private final OutputNode output;
    private final Tensor identityBias;            // (S, E)
    private final IdentityBiasController controller;
    private final ComputeAccountant accountant;
    private Rng noise;

    public DnaModel(ModelConfig config, long seed) {
        this.config = checkSupported(config);
        int d = config.width();
        float eps = (float) config.normEps();
        Rng rng = new Rng(seed);
        TransformerBlock.Options block = new TransformerBlock.Options(d, config.heads(), config.mlpHidden(), true,
                true, config.bias(), eps, (float) config.dropout(),
                config.positions() == Positions.ROPE ? config.context() : 0);

        if (config.task() == Task.LANGUAGE) {
            tokenInput = registerModule("input", new TokenInput(config.vocabSize(),
                    config.positions() == Positions.LEARNED ? config.context() : 0, d, rng));
            patchInput = null;
        } else {
            tokenInput = null;
            patchInput = registerModule("input", new PatchInput(config.vision(), d, rng));
        }
        backbone = registerModule("backbone", new ModuleList<>());
        for (int i = 0; i < config.backboneBlocks(); i++) {
            backbone.add(new TransformerBlock(block, rng));
        }
        if (config.stepAttention()) {
            stepAttention = registerModule("step_attn", new ModuleList<>());
            for (int s = 0; s < config.routedSteps(); s++) {
                stepAttention.add(new TransformerBlock(block.attentionOnly(), rng));
            }
        } else {
            stepAttention = null;
        }
        routers = registerModule("routers", new StepRouters(config, rng));
        pool = registerModule("pool", new Pool(config.pool(), block.withHidden(config.poolHidden()), rng));
        output = registerModule("output", config.task() == Task.LANGUAGE
                ? OutputNode.language(d, config.vocabSize(), eps,
                        config.tiedEmbeddings() ? tokenInput.tok().weight() : null, rng)
                : OutputNode.vision(d, config.vision().classes(), eps, config.vision().pooling(), rng));
        identityBias = registerBuffer("identity_bias", Tensor.zeros(config.routedSteps(), config.poolSize()));
        identityBias.set(initialIdentityBias(config));

        Gpt2Init.apply(this, config.backboneBlocks() + config.routedSteps(), rng);
        routers.initWeights(config.routerInitStd(), rng);
        noise = new Rng(seed).fork("router-noise");
        controller = new IdentityBiasController(config.identityTarget(), config.controllerSpeed(), config.exitSticky());
        long fixedActive = backbone.numParameters() + routers.numParameters()
                + (stepAttention == null ? 0 : stepAttention.numParameters())
                + output.activeParameters() + (patchInput == null ? 0 : patchInput.patch().numParameters());
        accountant = new ComputeAccountant(config, pool, numParameters(), fixedActive);
    }

    private static ModelConfig checkSupported(ModelConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("DnaModel: config is null");
        }
        List<String> problems = new ArrayList<>();
        if (config.positions() == Positions.ROPE && config.task() != Task.LANGUAGE) {
            problems.add("model.positions = rope is for language; vision's patches use learned positions");
        }
        if (config.forcedRouting() && (config.poolSize() != config.routedSteps() || config.topK() != 1)) {
            problems.add("model.forcedRouting = true needs E = S = " + config.routedSteps() + " and K = 1, got E = "
                    + config.poolSize() + ", K = " + config.topK());
        }
        if (config.topK() < 1 || config.topK() > config.poolSize()) {
            problems.add("model.topK = " + config.topK() + " must be in [1, E = " + config.poolSize() + "]");
        }
        if (!config.stepModules().isAll() && config.stepModules().size() != config.routedSteps()) {
            problems.add("model.stepModules lists " + config.stepModules().size() + " steps, model.routedSteps = "
                    + config.routedSteps());
        }
        if (config.routedSteps() < 1 || config.backboneBlocks() < 0) {
            problems.add("model.routedSteps = " + config.routedSteps() + " must be >= 1 and model.backboneBlocks = "
                    + config.backboneBlocks() + " >= 0");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    // Early exit: identity modules of step s start with bias ramp * s / (S - 1); everything else 0.
    private static float[] initialIdentityBias(ModelConfig config) {
        int steps = config.routedSteps();
        int e = config.poolSize();
        float[] bias = new float[steps * e];
        if (config.identityBiasRamp() > 0) {
            for (int s = 0; s < steps; s++) {
                for (int i = 0; i < e; i++) {
                    if (config.pool().kind(i).isIdentity()) {
                        bias[s * e + i] = (float) (config.identityBiasRamp() * s / Math.max(1, steps - 1));
                    }
                }
            }
        }
        return bias;
    }

    public ModelConfig config() { return config; }

    // ------------------------------------------------------------------ forward

    /** tokens: (B, T) row-major byte ids -> logits (B*T, V) and the routing trace. */
    public ModelOutput forwardTokens(int[] tokens, int batch) {
        return forwardTokens(tokens, batch, StateObserver.NONE);
    }

    /**
     * As {@link #forwardTokens(int[], int)}, showing the residual stream to {@code observer}. T =
     * tokens.length / batch may be anything from 1 to model.context (shorter prompts when sampling).
     */
    public ModelOutput forwardTokens(int[] tokens, int batch, StateObserver observer) {
        requireTask(Task.LANGUAGE, "forwardTokens");
        int seqLen = checkTokens(tokens, batch);
        Tensor h = tokenInput.forward(tokens, batch, seqLen);                        // (N, D)
        Body body = body(h, batch, seqLen, true, observer);
        return new ModelOutput(output.tokenLogits(body.h()), body.auxLoss(), body.trace());
    }

    /** pixels: (B, C*H*W) row-major in [0, 1] -> logits (B, classes) and the routing trace. */
    public ModelOutput forwardImages(float[] pixels, int batch) {
        return forwardImages(pixels, batch, StateObserver.NONE);
    }

    /** As {@link #forwardImages(float[], int)}, showing the residual stream to {@code observer}. */
    public ModelOutput forwardImages(float[] pixels, int batch, StateObserver observer) {
        requireTask(Task.VISION, "forwardImages");
        if (pixels == null) {
            throw new IllegalArgumentException("DnaModel.forwardImages: pixels is null");
        }
        int perImage = patchInput.pixelsPerImage();
        if (batch < 1 || pixels.length != (long) batch * perImage) {
            throw new IllegalArgumentException("DnaModel.forwardImages: " + pixels.length + " pixel values for batch = "
                    + batch + " images of " + perImage + " values (C*H*W = " + config.vision().channels() + "*"
                    + config.vision().imageSize() + "*" + config.vision().imageSize() + "); expected "
                    + (long) Math.max(batch, 0) * perImage);
        }
        int seqLen = config.vision().sequenceLength();
        Tensor h = patchInput.forward(pixels, batch);                                 // (N, D)
        Body body = body(h, batch, seqLen, false, observer);
        return new ModelOutput(output.imageLogits(body.h(), batch, seqLen), body.auxLoss(), body.trace());
    }

    private record Body(Tensor h, Tensor auxLoss, RoutingTrace trace) {}

    // Backbone and routed steps on h (N, D).
    private Body body(Tensor h, int batch, int seqLen, boolean causal, StateObserver observer) {
        StateObserver obs = observer == null ? StateObserver.NONE : observer;
        obs.state(StateObserver.Stage.INPUT, 0, h);
        int[] dense = MultiHeadAttention.denseSegments(batch, seqLen);
        for (int i = 0; i < backbone.size(); i++) {
            h = backbone.get(i).forward(h, dense, causal, null);
            obs.state(StateObserver.Stage.BACKBONE, i, h);
        }
        int e = pool.size();
        int n = h.dim(0);
        float[] bias = identityBias.toArray();
        boolean balance = !routers.allForced() && config.switchLossAlpha() > 0;
        Rng stepNoise = config.routerNoise() == RouterNoise.GUMBEL && isTraining() ? noise : null;
        RoutedStep step = new RoutedStep(pool, config.topK(), config.renormalize(), config.straightThrough(), seqLen,
                causal);
        List<StepRoutes> routes = new ArrayList<>(config.routedSteps());
        Tensor balanceSum = null;
        int balancedSteps = 0;
        boolean[] exited = config.exitSticky() ? new boolean[n] : null;
        for (int s = 0; s < config.routedSteps(); s++) {
            float[] stepBias = Arrays.copyOfRange(bias, s * e, (s + 1) * e);
            if (stepAttention != null) {
                h = stepAttention.get(s).attentionHalf(h, dense, causal, null);       // fixed, not routed
            }
            int[] allowed = config.allowedModules(s);
            if (routers.get(s) == null) {
                h = pool.run(allowed[0], h, dense, null, causal);                    // forced: h = M(h)
                routes.add(forcedRoutes(allowed[0], n, config.topK(), stepBias));
            } else {
                RoutedStep.Result r = step.run(routers.get(s), allowed, h, stepBias, exited, stepNoise,
                        config.routerNoiseScale(), balance);
                h = r.h();
                exited = r.exited();
                routes.add(r.routes());
                if (balance) {
                    Tensor term = SwitchLoss.stepTerm(r.probs(), r.localChoices(), allowed.length);
                    balanceSum = balanceSum == null ? term : balanceSum.add(term);
                    balancedSteps++;
                }
            }
            obs.state(StateObserver.Stage.STEP, s, h);
        }
        Tensor aux = balanceSum == null ? null
                : balanceSum.mul((float) (config.switchLossAlpha() / balancedSteps));
        return new Body(h, aux, new RoutingTrace(batch, seqLen, config.topK(), config.pool(), routes));
    }

    // Every one of the N*K slots names the forced module (K = 1 for the dense preset; a forced step of a
    // top-2 model repeats the module in its K slots and is counted once per token by the accountant).
    private static StepRoutes forcedRoutes(int module, int tokens, int topK, float[] bias) {
        int[] modules = new int[tokens * topK];
        Arrays.fill(modules, module);
        float[] weights = new float[tokens * topK];
        Arrays.fill(weights, 1f);
        return new StepRoutes(modules, weights, bias);
    }

    private void requireTask(Task task, String method) {
        if (config.task() != task) {
            throw new IllegalStateException("DnaModel." + method + ": this is a " + config.task().jsonName()
                    + " model; use " + (config.task() == Task.LANGUAGE ? "forwardTokens" : "forwardImages"));
        }
    }

    // Returns T; every problem names the method and the values.
    private int checkTokens(int[] tokens, int batch) {
        if (tokens == null) {
            throw new IllegalArgumentException("DnaModel.forwardTokens: tokens is null");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("DnaModel.forwardTokens: batch = " + batch + " must be >= 1");
        }
        if (tokens.length == 0 || tokens.length % batch != 0) {
            throw new IllegalArgumentException("DnaModel.forwardTokens: " + tokens.length
                    + " tokens do not split into batch = " + batch + " sequences of equal length T >= 1 (expected"
                    + " batch * T tokens)");
        }
        int seqLen = tokens.length / batch;
        if (seqLen > config.context()) {
            throw new IllegalArgumentException("DnaModel.forwardTokens: " + tokens.length + " tokens / batch = " + batch
                    + " gives T = " + seqLen + ", longer than model.context = " + config.context());
        }
        int vocab = config.vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("DnaModel.forwardTokens: token " + tokens[i] + " at index " + i
                        + " (sequence " + i / seqLen + ", position " + i % seqLen + ") is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        return seqLen;
    }

    // ------------------------------------------------------------------ controller and accounting

    /** Identity-bias controller: b_i(s) += u * sign(r * N*K - identity routes of step s). No gradient. */
    public void afterOptimizerStep(RoutingTrace trace) {
        checkTrace("afterOptimizerStep", trace);
        if (routers.allForced() || !controller.active()) {
            return;
        }
        identityBias.set(controller.update(identityBias.toArray(), trace));
    }

    /**
     * Size and cost of this model on the batch that produced {@code trace}, counted from the routes that ran:
     * <ul>
     *   <li>total: every trainable parameter (tied weights once);</li>
     *   <li>active per token: backbone + every step's router + each non-identity module the token visited (once
     *       per visit) + output norm and head, averaged over the batch's tokens; embedding tables are not counted
     *       (a lookup reads one row), the unembedding matrix is (tied or not); for vision the patch embedding
     *       counts and the class token and positions do not;</li>
     *   <li>forward FLOPs per token: 2 x multiply-adds of the matmuls and attention ({@link FlopCounter}): the
     *       backbone on all rows, each router on all tokens, each non-identity module on exactly its dispatched
     *       rows with attention over its actual per-sequence segments (causal pairs for language), the
     *       unembedding on every token or the classifier once per image, the patch embedding on every patch;
     *       divided by N = B * L. Norms, GELU, softmax and residual adds are left out.</li>
     * </ul>
     */
    public ComputeAccount account(RoutingTrace trace) {
        checkTrace("account", trace);
        return accountant.account(trace);
    }

    private void checkTrace(String method, RoutingTrace trace) {
        if (trace == null) {
            throw new IllegalArgumentException("DnaModel." + method + ": trace is null");
        }
        if (trace.steps().size() != config.routedSteps() || !trace.pool().equals(config.pool())
                || trace.topK() != config.topK()) {
            throw new IllegalArgumentException("DnaModel." + method + ": the trace (S = " + trace.steps().size()
                    + ", pool " + trace.pool() + ", K = " + trace.topK() + ") is not from this model (S = "
                    + config.routedSteps() + ", pool " + config.pool() + ", K = " + config.topK() + ")");
        }
    }

    // ------------------------------------------------------------------ accessors

    /** The identity biases b (S*E, row-major by step), a copy. */
    public float[] identityBias() {
        return identityBias.toArray();
    }

    /** Overwrites the selection biases (S*E, row-major by step), e.g. to force or forbid a module in an experiment. */
    public void setIdentityBias(float[] values) {
        if (values == null || values.length != identityBias.numel()) {
            throw new IllegalArgumentException("DnaModel.setIdentityBias: expected S*E = " + identityBias.numel()
                    + " values, got " + (values == null ? "null" : values.length));
        }
        identityBias.set(values);
    }

    /** True when every step runs one fixed module (no routers), e.g. the dense preset. */
    public boolean isForcedRouting() { return routers.allForced(); }

    /** The router of step s; an IllegalStateException at a forced step. */
    public Router router(int step) {
        if (step < 0 || step >= config.routedSteps()) {
            throw new IndexOutOfBoundsException("DnaModel.router: step " + step + " outside [0, S = "
                    + config.routedSteps() + ")");
        }
        if (routers.get(step) == null) {
            throw new IllegalStateException("DnaModel.router: step " + step + " is forced (module "
                    + config.allowedModules(step)[0] + ") and has no router");
        }
        return routers.get(step);
    }

    /** The fixed attention half of step s (model.stepAttention), or null. */
    public TransformerBlock stepAttention(int step) {
        return stepAttention == null ? null : stepAttention.get(step);
    }

    public Pool pool() { return pool; }

    /** The N_b dense blocks. */
    public ModuleList<TransformerBlock> backbone() { return backbone; }

    /** Language input node; null for vision. */
    public TokenInput tokenInput() { return tokenInput; }

    /** Vision input node; null for language. */
    public PatchInput patchInput() { return patchInput; }

    public OutputNode output() { return output; }

    /** The Gumbel noise generator's state, for a checkpoint (resume continues the same noise). */
    public long[] routerNoiseState() { return noise.state(); }

    /** Restores a state saved by {@link #routerNoiseState()}. */
    public void restoreRouterNoiseState(long[] state) { noise = Rng.restore(state); }
}
