package org.jdna.dna.config;

/**
 * Where the data comes from.
 *
 * @param dataset       brown, synthetic-text, fashion-mnist or synthetic-images
 * @param cacheDir      download cache; empty means $JDNA_CACHE, else ~/.cache/jdna
 * @param valFraction   fraction of documents (or training images) held out for validation
 * @param allowFallback when the real data set cannot be fetched, use the synthetic one (announced)
 * @param syntheticSize bytes of synthetic text, or number of synthetic images
 */
public record DataConfig(String dataset, String cacheDir, double valFraction, boolean allowFallback,
                         int syntheticSize) {
    public static final String BROWN = "brown";
    public static final String SYNTHETIC_TEXT = "synthetic-text";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String SYNTHETIC_IMAGES = "synthetic-images";
}
