package org.jdna.dna.config;

/** Where the data comes from. The fields are declared once in the table below. */
public record DataConfig(String dataset, String cacheDir, double valFraction, boolean allowFallback,
                         int syntheticSize) {
    public static final String BROWN = "brown";
    public static final String SYNTHETIC_TEXT = "synthetic-text";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String SYNTHETIC_IMAGES = "synthetic-images";

    private static final ConfigSection.Builder<DataConfig> F = ConfigSection.builder(DataConfig.class);

    public static final ConfigField<DataConfig, String> DATASET = F.field("dataset", BROWN,
            "brown or synthetic-text (language); fashion-mnist or synthetic-images (vision)");
    public static final ConfigField<DataConfig, String> CACHE_DIR = F.field("cacheDir", "",
            "download cache; '' = $JDNA_CACHE, else ~/.cache/jdna");
    public static final ConfigField<DataConfig, Double> VAL_FRACTION = F.field("valFraction", 0.1,
            "fraction of documents (or training images) held out for validation").range(0.01, 0.5);
    public static final ConfigField<DataConfig, Boolean> ALLOW_FALLBACK = F.field("allowFallback", true,
            "when the real data set cannot be fetched, use the synthetic one (announced)");
    public static final ConfigField<DataConfig, Integer> SYNTHETIC_SIZE = F.field("syntheticSize", 4_000_000,
            "bytes of synthetic text, or number of synthetic images").range(1, Integer.MAX_VALUE);

    public static final ConfigSection<DataConfig> FIELDS = F.build();

    public <T> DataConfig with(ConfigField<DataConfig, T> field, T value) { return FIELDS.with(this, field, value); }
}
