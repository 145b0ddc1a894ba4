package org.jdna.dna.config;

/** A mutable copy of a {@link ModelConfig} for presets and experiments: {@code c.toBuilder().topK(1).build()}. */
public final class ModelConfigBuilder {
    private Task task;
    private int vocabSize;
    private int context;
    private int width;
    private int heads;
    private int mlpHidden;
    private int backboneBlocks;
    private int routedSteps;
    private ModulePool pool;
    private int topK;
    private RouterInput routerInput;
    private double routerInitStd;
    private boolean renormalize;
    private RouterNoise routerNoise;
    private double routerNoiseScale;
    private double identityTarget;
    private double controllerSpeed;
    private double switchLossAlpha;
    private boolean tiedEmbeddings;
    private boolean forcedRouting;
    private Positions positions;
    private double dropout;
    private double normEps;
    private VisionConfig vision;
    private StepModules stepModules;
    private boolean stepAttention;
    private int poolMlpHidden;
    private int routerHidden;
    private boolean exitSticky;
    private boolean straightThrough;
    private double identityBiasRamp;

    ModelConfigBuilder(ModelConfig c) {
        this.task = c.task();
        this.vocabSize = c.vocabSize();
        this.context = c.context();
        this.width = c.width();
        this.heads = c.heads();
        this.mlpHidden = c.mlpHidden();
        this.backboneBlocks = c.backboneBlocks();
        this.routedSteps = c.routedSteps();
        this.pool = c.pool();
        this.topK = c.topK();
        this.routerInput = c.routerInput();
        this.routerInitStd = c.routerInitStd();
        this.renormalize = c.renormalize();
        this.routerNoise = c.routerNoise();
        this.routerNoiseScale = c.routerNoiseScale();
        this.identityTarget = c.identityTarget();
        this.controllerSpeed = c.controllerSpeed();
        this.switchLossAlpha = c.switchLossAlpha();
        this.tiedEmbeddings = c.tiedEmbeddings();
        this.forcedRouting = c.forcedRouting();
        this.positions = c.positions();
        this.dropout = c.dropout();
        this.normEps = c.normEps();
        this.vision = c.vision();
        this.stepModules = c.stepModules();
        this.stepAttention = c.stepAttention();
        this.poolMlpHidden = c.poolMlpHidden();
        this.routerHidden = c.routerHidden();
        this.exitSticky = c.exitSticky();
        this.straightThrough = c.straightThrough();
        this.identityBiasRamp = c.identityBiasRamp();
    }

    public ModelConfigBuilder task(Task value) {
        this.task = value;
        return this;
    }

    public ModelConfigBuilder vocabSize(int value) {
        this.vocabSize = value;
        return this;
    }

    public ModelConfigBuilder context(int value) {
        this.context = value;
        return this;
    }

    public ModelConfigBuilder width(int value) {
        this.width = value;
        return this;
    }

    public ModelConfigBuilder heads(int value) {
        this.heads = value;
        return this;
    }

    public ModelConfigBuilder mlpHidden(int value) {
        this.mlpHidden = value;
        return this;
    }

    public ModelConfigBuilder backboneBlocks(int value) {
        this.backboneBlocks = value;
        return this;
    }

    public ModelConfigBuilder routedSteps(int value) {
        this.routedSteps = value;
        return this;
    }

    public ModelConfigBuilder pool(ModulePool value) {
        this.pool = value;
        return this;
    }

    public ModelConfigBuilder topK(int value) {
        this.topK = value;
        return this;
    }

    public ModelConfigBuilder routerInput(RouterInput value) {
        this.routerInput = value;
        return this;
    }

    public ModelConfigBuilder routerInitStd(double value) {
        this.routerInitStd = value;
        return this;
    }

    public ModelConfigBuilder renormalize(boolean value) {
        this.renormalize = value;
        return this;
    }

    public ModelConfigBuilder routerNoise(RouterNoise value) {
        this.routerNoise = value;
        return this;
    }

    public ModelConfigBuilder routerNoiseScale(double value) {
        this.routerNoiseScale = value;
        return this;
    }

    public ModelConfigBuilder identityTarget(double value) {
        this.identityTarget = value;
        return this;
    }

    public ModelConfigBuilder controllerSpeed(double value) {
        this.controllerSpeed = value;
        return this;
    }

    public ModelConfigBuilder switchLossAlpha(double value) {
        this.switchLossAlpha = value;
        return this;
    }

    public ModelConfigBuilder tiedEmbeddings(boolean value) {
        this.tiedEmbeddings = value;
        return this;
    }

    public ModelConfigBuilder forcedRouting(boolean value) {
        this.forcedRouting = value;
        return this;
    }

    public ModelConfigBuilder positions(Positions value) {
        this.positions = value;
        return this;
    }

    public ModelConfigBuilder dropout(double value) {
        this.dropout = value;
        return this;
    }

    public ModelConfigBuilder normEps(double value) {
        this.normEps = value;
        return this;
    }

    public ModelConfigBuilder vision(VisionConfig value) {
        this.vision = value;
        return this;
    }

    public ModelConfigBuilder stepModules(StepModules value) {
        this.stepModules = value;
        return this;
    }

    public ModelConfigBuilder stepAttention(boolean value) {
        this.stepAttention = value;
        return this;
    }

    public ModelConfigBuilder poolMlpHidden(int value) {
        this.poolMlpHidden = value;
        return this;
    }

    public ModelConfigBuilder routerHidden(int value) {
        this.routerHidden = value;
        return this;
    }

    public ModelConfigBuilder exitSticky(boolean value) {
        this.exitSticky = value;
        return this;
    }

    public ModelConfigBuilder straightThrough(boolean value) {
        this.straightThrough = value;
        return this;
    }

    public ModelConfigBuilder identityBiasRamp(double value) {
        this.identityBiasRamp = value;
        return this;
    }

    public ModelConfig build() {
        return new ModelConfig(task, vocabSize, context, width, heads, mlpHidden, backboneBlocks, routedSteps, pool,
                topK, routerInput, routerInitStd, renormalize, routerNoise, routerNoiseScale, identityTarget,
                controllerSpeed, switchLossAlpha, tiedEmbeddings, forcedRouting, positions, dropout, normEps, vision,
                stepModules, stepAttention, poolMlpHidden, routerHidden, exitSticky, straightThrough, identityBiasRamp);
    }
}
