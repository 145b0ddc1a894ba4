package org.jdna.dna.data;

import java.util.List;

/**
 * An image classification data set: train and val (held out from the training images) and the test set.
 *
 * @param name       "fashion-mnist" or "synthetic-images"
 * @param source     where it came from, for logs
 * @param classNames label names, index = label
 */
public record ImageDataset(String name, String source, ImageSplit train, ImageSplit val, ImageSplit test,
                           List<String> classNames) {
    /** Holds out the last {@code valFraction} of the training images (the files are already shuffled). */
    static ImageDataset of(String name, String source, ImageSplit trainAll, ImageSplit test, double valFraction,
                           List<String> classNames) {
        int val = Math.max(1, (int) Math.round(trainAll.count() * valFraction));
        int train = trainAll.count() - val;
        return new ImageDataset(name, source, trainAll.range("train", 0, train),
                trainAll.range("val", train, trainAll.count()), test, classNames);
    }
}
