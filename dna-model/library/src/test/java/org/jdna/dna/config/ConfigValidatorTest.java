package org.jdna.dna.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad setting at a time: each must be refused with a message naming the field, its value and the range. */
class ConfigValidatorTest {
    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("dna-top2", List.of("model.topK=3"), "model.topK = 3 must be in [1, 2]"),
                Arguments.of("dna-top2", List.of("model.topK=0"), "model.topK = 0 must be in [1, 2]"),
                Arguments.of("dna-top2", List.of("model.pool=transformer:1", "identityTarget=0", "topK=2"),
                        "model.topK = 2 must be in [1, 1]"),
                Arguments.of("dna-top2", List.of("model.vocabSize=300"), "model.vocabSize = 300 must be in [256, 256]"),
                Arguments.of("dna-top2", List.of("model.context=0"), "model.context = 0 must be in [1, 65536]"),
                Arguments.of("dna-top2", List.of("model.width=0"), "model.width = 0 must be in"),
                Arguments.of("dna-top2", List.of("model.heads=3"), "model.heads = 3 must divide model.width = 128"),
                Arguments.of("dna-top2", List.of("model.heads=0"), "model.heads = 0 must be in [1, 128]"),
                Arguments.of("dna-top2", List.of("model.mlpHidden=-1"), "model.mlpHidden = -1 must be in"),
                Arguments.of("dna-top2", List.of("model.backboneBlocks=-1"), "model.backboneBlocks = -1 must be in [0, 64]"),
                Arguments.of("dna-top2", List.of("model.routedSteps=0"), "model.routedSteps = 0 must be in [1, 256]"),
                Arguments.of("dna-top2", List.of("model.pool=identity:0", "identityTarget=0"), "model.pool size = 0 must be in [1, 1024]"),
                Arguments.of("dna-top2", List.of("model.routerInitStd=-0.1"), "model.routerInitStd = -0.1 must be a finite number >= 0"),
                Arguments.of("dna-top2", List.of("model.routerNoiseScale=-1"), "model.routerNoiseScale = -1.0 must be"),
                Arguments.of("dna-top2", List.of("model.identityTarget=1.5"), "model.identityTarget = 1.5 must be in [0.0, 0.95]"),
                Arguments.of("dna-top1", List.of("model.identityTarget=0.25"), "needs at least one identity module"),
                Arguments.of("dna-top2", List.of("model.controllerSpeed=-1"), "model.controllerSpeed = -1.0 must be"),
                Arguments.of("dna-top2", List.of("model.switchLossAlpha=-0.01"), "model.switchLossAlpha = -0.01 must be"),
                Arguments.of("dna-top2", List.of("model.dropout=1"), "model.dropout = 1.0 must be in [0.0, 0.9]"),
                Arguments.of("dna-top2", List.of("model.normEps=0"), "model.normEps = 0.0 must be in"),
                Arguments.of("vision-dense", List.of("model.positions=rope"), "model.positions = rope is only for language"),
                Arguments.of("dense", List.of("model.routedSteps=4"), "model.forcedRouting = true needs a pool of exactly model.routedSteps = 4"),
                Arguments.of("dense", List.of("model.pool=transformer:6,identity:1"), "but model.pool = transformer:6,identity:1 has 7"),
                Arguments.of("dense", List.of("topK=2"), "model.forcedRouting = true needs model.topK = 1"),
                Arguments.of("vision-dense", List.of("model.vision.patchSize=5"), "model.vision.patchSize = 5 must divide model.vision.imageSize = 28"),
                Arguments.of("vision-dense", List.of("model.vision.classes=1"), "model.vision.classes = 1 must be in [2, 100000]"),
                Arguments.of("vision-dense", List.of("model.vision.channels=0"), "model.vision.channels = 0 must be in [1, 4]"),
                Arguments.of("vision-dense", List.of("model.tiedEmbeddings=true"), "model.tiedEmbeddings = true is only for language"),
                Arguments.of("vision-dense", List.of("data.dataset=brown"), "data.dataset = 'brown' must be one of [fashion-mnist, synthetic-images]"),
                Arguments.of("dna-top2", List.of("data.dataset=imagenet"), "data.dataset = 'imagenet' must be one of [brown, synthetic-text]"),
                Arguments.of("dna-top2", List.of("data.valFraction=0.9"), "data.valFraction = 0.9 must be in [0.01, 0.5]"),
                Arguments.of("dna-top2", List.of("data.syntheticSize=0"), "data.syntheticSize = 0 must be in"),
                Arguments.of("dna-top2", List.of("train.steps=0"), "train.steps = 0 must be in [1, "),
                Arguments.of("dna-top2", List.of("train.batchSize=0"), "train.batchSize = 0 must be in"),
                Arguments.of("dna-top2", List.of("train.lr=0"), "train.lr = 0.0 must be in"),
                Arguments.of("dna-top2", List.of("train.minLr=0.1"), "train.minLr = 0.1 must be in [0.0, 0.002]"),
                Arguments.of("dna-top2", List.of("train.warmupSteps=-1"), "train.warmupSteps = -1 must be in [0, "),
                Arguments.of("dna-top2", List.of("train.weightDecay=-1"), "train.weightDecay = -1.0 must be in"),
                Arguments.of("dna-top2", List.of("train.beta1=1"), "train.beta1 = 1.0 must be in [0, 1)"),
                Arguments.of("dna-top2", List.of("train.beta2=-0.5"), "train.beta2 = -0.5 must be in [0, 1)"),
                Arguments.of("dna-top2", List.of("train.adamEps=0"), "train.adamEps = 0.0 must be in"),
                Arguments.of("dna-top2", List.of("train.gradClip=-1"), "train.gradClip = -1.0 must be"),
                Arguments.of("dna-top2", List.of("train.evalEvery=-1"), "train.evalEvery = -1 must be in"),
                Arguments.of("dna-top2", List.of("train.evalBatches=0"), "train.evalBatches = 0 must be in"),
                Arguments.of("dna-top2", List.of("train.checkpointEvery=-5"), "train.checkpointEvery = -5 must be in"),
                Arguments.of("dna-top2", List.of("train.logEvery=0"), "train.logEvery = 0 must be in"),
                Arguments.of("dna-top2", List.of("train.outDir= "), "train.outDir = '' must name a folder"),
                Arguments.of("dna-top2", List.of("train.backend=tpu"), "train.backend = 'tpu' must be one of [auto, reference, simd, cuda]"),
                Arguments.of("dna-top2", List.of("train.device=-1"), "train.device = -1 must be in [0, 64]"),
                Arguments.of("dna-top2", List.of("train.threads=-2"), "train.threads = -2 must be in [0, 4096]"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSettings")
    void refusesWithFieldValueAndRange(String preset, List<String> overrides, String expected) {
        ConfigLoaderTest.assertMessage(() -> ConfigLoader.load(preset, null, overrides), expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSettings")
    void reportsOnlyTheBadField(String preset, List<String> overrides, String expected) {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(preset, null, overrides));
        assertEquals(1, e.problems().size(), e.getMessage());
    }
}
