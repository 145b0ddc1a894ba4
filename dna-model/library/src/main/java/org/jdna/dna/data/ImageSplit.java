package org.jdna.dna.data;

/**
 * Grey-level images with labels.
 *
 * @param name     "train", "val" or "test"
 * @param count    N images
 * @param height   rows per image
 * @param width    columns per image
 * @param pixels   (N, height, width) unsigned bytes 0..255, row-major
 * @param labels   (N) class of each image
 */
public record ImageSplit(String name, int count, int height, int width, byte[] pixels, byte[] labels) {
    public ImageSplit {
        if (pixels.length != (long) count * height * width || labels.length != count) {
            throw new IllegalArgumentException("ImageSplit " + name + ": " + pixels.length + " pixels and "
                    + labels.length + " labels do not match " + count + " images of " + height + "x" + width);
        }
    }

    public int label(int i) { return labels[i] & 0xFF; }

    /** Images [from, to) as a new split. */
    ImageSplit range(String newName, int from, int to) {
        int px = height * width;
        byte[] p = java.util.Arrays.copyOfRange(pixels, from * px, to * px);
        byte[] l = java.util.Arrays.copyOfRange(labels, from, to);
        return new ImageSplit(newName, to - from, height, width, p, l);
    }
}
