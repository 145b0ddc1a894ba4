package org.jdna.dna.data;

import java.util.function.Consumer;

import org.jdna.dna.config.DataConfig;

/** Chooses the image data set of a run: Fashion-MNIST, or the synthetic fallback when it is unavailable (announced). */
public final class ImageDatasets {
    private ImageDatasets() {}

    public static ImageDataset load(DataConfig config, Consumer<String> announce) {
        if (DataConfig.SYNTHETIC_IMAGES.equals(config.dataset())) {
            return SyntheticImages.generate(config.syntheticSize(), config.valFraction());
        }
        if (!DataConfig.FASHION_MNIST.equals(config.dataset())) {
            throw new IllegalArgumentException("data.dataset = '" + config.dataset() + "' is not an image data set ("
                    + DataConfig.FASHION_MNIST + ", " + DataConfig.SYNTHETIC_IMAGES + ")");
        }
        try {
            return FashionMnist.load(DataCache.resolve(config), config.valFraction());
        } catch (DataUnavailableException e) {
            if (!config.allowFallback()) {
                throw new DataUnavailableException(FashionMnist.NAME + " unavailable (" + e.getMessage()
                        + ") and data.allowFallback = false", e);
            }
            announce.accept(FashionMnist.NAME + " unavailable (" + e.getMessage()
                    + "): using the synthetic fallback data set");
            return SyntheticImages.generate(config.syntheticSize(), config.valFraction());
        }
    }
}
