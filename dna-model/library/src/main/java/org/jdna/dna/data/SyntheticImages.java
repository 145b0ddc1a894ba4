package org.jdna.dna.data;

import java.util.List;

import org.jdna.engine.tensor.Rng;

/**
 * A deterministic stand-in for Fashion-MNIST when it cannot be fetched: 28x28 grey images of ten
 * shape classes (bars, square, ring, cross, diagonals, disk...) with jittered position, size and
 * brightness plus pixel noise. Always the same images for the same count.
 */
public final class SyntheticImages {
    public static final String NAME = "synthetic-images";
    public static final List<String> CLASSES = List.of("horizontal bar", "vertical bar", "square", "ring", "plus",
            "falling diagonal", "rising diagonal", "x", "two bars", "disk");
    static final int SIDE = 28;
    private static final long SEED = 0x1AA6E5L;

    private SyntheticImages() {}

    /** {@code count} training images (val held out of them) and count/6 test images. */
    public static ImageDataset generate(int count, double valFraction) {
        Rng rng = new Rng(SEED);
        ImageSplit train = split("train", count, rng.fork("train"));
        ImageSplit test = split("test", Math.max(10, count / 6), rng.fork("test"));
        return ImageDataset.of(NAME, "synthetic shapes (" + count + " training images)", train, test, valFraction,
                CLASSES);
    }

    private static ImageSplit split(String name, int count, Rng rng) {
        byte[] pixels = new byte[count * SIDE * SIDE];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = rng.nextInt(CLASSES.size());
            labels[i] = (byte) label;
            draw(label, rng, pixels, i * SIDE * SIDE);
        }
        return new ImageSplit(name, count, SIDE, SIDE, pixels, labels);
    }

    private static void draw(int label, Rng rng, byte[] out, int offset) {
        double cx = 13.5 + rng.nextInt(7) - 3;
        double cy = 13.5 + rng.nextInt(7) - 3;
        double size = 6 + rng.nextInt(5);
        double thick = 1.5 + rng.nextDouble();
        int brightness = 150 + rng.nextInt(106);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double r = Math.hypot(dx, dy);
                boolean inside = switch (label) {
                    case 0 -> Math.abs(dy) < thick && Math.abs(dx) < size;
                    case 1 -> Math.abs(dx) < thick && Math.abs(dy) < size;
                    case 2 -> Math.abs(dx) < size * 0.7 && Math.abs(dy) < size * 0.7;
                    case 3 -> Math.abs(r - size * 0.8) < thick;
                    case 4 -> (Math.abs(dx) < thick && Math.abs(dy) < size) || (Math.abs(dy) < thick && Math.abs(dx) < size);
                    case 5 -> Math.abs(dx - dy) < thick * 1.4 && Math.abs(dx) < size;
                    case 6 -> Math.abs(dx + dy) < thick * 1.4 && Math.abs(dx) < size;
                    case 7 -> (Math.abs(dx - dy) < thick * 1.4 || Math.abs(dx + dy) < thick * 1.4) && Math.abs(dx) < size;
                    case 8 -> Math.abs(Math.abs(dy) - size * 0.5) < thick && Math.abs(dx) < size;
                    default -> r < size * 0.8;
                };
                int v = (inside ? brightness : 0) + rng.nextInt(40);
                out[offset + y * SIDE + x] = (byte) Math.min(255, v);
            }
        }
    }
}
