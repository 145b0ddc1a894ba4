package org.jdna.dna.analysis;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

import javax.imageio.ImageIO;

/** Small images of the report: a grey image scaled up, a patch outlined or patches shaded; as PNG data URIs. */
final class Thumbnails {
    static final Color HIGHLIGHT = new Color(214, 39, 40);

    static {
        System.setProperty("java.awt.headless", "true"); // servers without a display; set before AWT starts
    }

    private Thumbnails() {}

    /** Image i of a (count, h, w) grey byte array, each pixel a scale x scale block. */
    static BufferedImage grey(byte[] pixels, int image, int height, int width, int scale) {
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        int base = image * height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = pixels[base + y * width + x] & 0xFF;
                int rgb = (v << 16) | (v << 8) | v;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return img;
    }

    /** Outlines the patch at (row, col) of side {@code patch} pixels. */
    static void outline(BufferedImage img, int row, int col, int patch, int scale) {
        Graphics2D g = img.createGraphics();
        g.setColor(HIGHLIGHT);
        g.setStroke(new BasicStroke(2));
        g.drawRect(col * patch * scale + 1, row * patch * scale + 1, patch * scale - 2, patch * scale - 2);
        g.dispose();
    }

    /** Tints each patch red in proportion to levels[row * side + col] in [0, 1]. */
    static void shade(BufferedImage img, double[] levels, int side, int patch, int scale) {
        Graphics2D g = img.createGraphics();
        g.setColor(HIGHLIGHT);
        for (int p = 0; p < levels.length; p++) {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) (0.65 * levels[p])));
            g.fillRect((p % side) * patch * scale, (p / side) * patch * scale, patch * scale, patch * scale);
        }
        g.dispose();
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Thumbnails: cannot encode PNG", e);
        }
    }

    static String dataUri(BufferedImage img) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(img));
    }
}
