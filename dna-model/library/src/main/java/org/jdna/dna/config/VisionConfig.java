package org.jdna.dna.config;

/**
 * The input and output nodes of a vision model: square images cut into square patches. The fields
 * are declared once in the table below (defaults: Fashion-MNIST with 4x4 patches).
 */
public record VisionConfig(int imageSize, int channels, int patchSize, int classes, Pooling pooling) {
    private static final ConfigSection.Builder<VisionConfig> F = ConfigSection.builder(VisionConfig.class);

    public static final ConfigField<VisionConfig, Integer> IMAGE_SIZE = F.field("imageSize", 28,
            "side of the (square) image in pixels").range(1, 4096);
    public static final ConfigField<VisionConfig, Integer> CHANNELS = F.field("channels", 1,
            "colour channels (1 for grey levels)").range(1, 4);
    public static final ConfigField<VisionConfig, Integer> PATCH_SIZE = F.field("patchSize", 4,
            "side of a square patch; must divide imageSize").range(1, "imageSize", v -> Math.max(1, v.imageSize()));
    public static final ConfigField<VisionConfig, Integer> CLASSES = F.field("classes", 10,
            "labels of the classification head").range(2, 100_000);
    public static final ConfigField<VisionConfig, Pooling> POOLING = F.field("pooling", Pooling.MEAN,
            "mean over the patches, or a class token prepended to them");

    public static final ConfigSection<VisionConfig> FIELDS = F.build();

    /** 28x28 grey images, 4x4 patches, 10 classes, mean pooling: every field's default. */
    public static VisionConfig fashionMnist() {
        return FIELDS.defaults();
    }

    public <T> VisionConfig with(ConfigField<VisionConfig, T> field, T value) { return FIELDS.with(this, field, value); }

    /** Patches per image, (imageSize / patchSize)^2. */
    public int patches() {
        int side = imageSize / patchSize;
        return side * side;
    }

    /** Sequence length the blocks see: the patches plus the class token if one is used. */
    public int sequenceLength() {
        return patches() + (pooling == Pooling.CLS ? 1 : 0);
    }

    /** Values per patch, patchSize^2 * channels (the input width of the patch embedding). */
    public int patchValues() {
        return patchSize * patchSize * channels;
    }
}
