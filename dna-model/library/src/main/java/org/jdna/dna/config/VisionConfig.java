package org.jdna.dna.config;

/**
 * The input and output nodes of a vision model: square images cut into square patches.
 *
 * @param imageSize side of the (square) image in pixels (28 for Fashion-MNIST)
 * @param channels  colour channels (1 for grey levels)
 * @param patchSize side of a square patch; must divide imageSize
 * @param classes   number of labels of the classification head
 * @param pooling   mean over patches, or a class token prepended to the patches
 */
public record VisionConfig(int imageSize, int channels, int patchSize, int classes, Pooling pooling) {
    public static VisionConfig fashionMnist() {
        return new VisionConfig(28, 1, 4, 10, Pooling.MEAN);
    }

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
