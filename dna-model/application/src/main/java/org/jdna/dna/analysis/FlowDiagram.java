package org.jdna.dna.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.GeneralPath;
import java.util.List;

/**
 * A Sankey-style flow diagram of top-1 routing: one column per routed step, one bar per module with height
 * proportional to the tokens that chose it, and a band from module i at step s to module j at step s+1 as wide
 * as the tokens that made that move. Identity modules are grey.
 */
final class FlowDiagram {
    static final int WIDTH = 900;
    static final int HEIGHT = 440;
    private static final int LEFT = 40, RIGHT = 40, TOP = 44, BOTTOM = 44, NODE = 16, GAP = 5;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0xbcbd22),
            new Color(0x17becf), new Color(0x393b79), new Color(0xad494a), new Color(0x637939)};
    private static final Color IDENTITY = new Color(0xb0b0b0);

    private FlowDiagram() {}

    /** Colour of module m: identity grey, the others from a categorical palette (cycled past 12). */
    static Color color(int module, boolean identity) {
        return identity ? IDENTITY : PALETTE[module % PALETTE.length];
    }

    /** @param identity identity[m] = module m is an identity module */
    static Figure of(String name, String caption, String title, Flow flow, boolean[] identity) {
        return new Figure(name, caption, WIDTH, HEIGHT, g -> paint(g, title, flow, identity));
    }

    static void paint(Graphics2D g, String title, Flow flow, boolean[] identity) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        FontMetrics titleMetrics = g.getFontMetrics();
        g.drawString(title, (WIDTH - titleMetrics.stringWidth(title)) / 2, 24);
        long[][] top1 = flow.top1();
        int steps = top1.length;
        if (steps == 0) {
            g.drawString("no routed steps", LEFT, HEIGHT / 2);
            return;
        }
        int e = top1[0].length;
        long tokens = 0;
        for (long c : top1[0]) {
            tokens += c;
        }
        double available = HEIGHT - TOP - BOTTOM - GAP * (e - 1);
        double scale = tokens == 0 ? 0 : available / tokens;
        double columnStep = steps == 1 ? 0 : (WIDTH - LEFT - RIGHT - NODE) / (double) (steps - 1);
        double[][] nodeY = new double[steps][e];
        for (int s = 0; s < steps; s++) {
            double y = TOP;
            for (int m = 0; m < e; m++) {
                nodeY[s][m] = y;
                y += top1[s][m] * scale + GAP;
            }
        }
        // Bands first, nodes on top.
        for (int s = 0; s + 1 < steps; s++) {
            long[][] t = flow.transitions()[s];
            double x0 = LEFT + s * columnStep + NODE;
            double x1 = LEFT + (s + 1) * columnStep;
            double[] outOffset = new double[e];
            double[] inOffset = new double[e];
            for (int i = 0; i < e; i++) {
                for (int j = 0; j < e; j++) {
                    if (t[i][j] == 0) {
                        continue;
                    }
                    double h = t[i][j] * scale;
                    double y0 = nodeY[s][i] + outOffset[i];
                    double y1 = nodeY[s + 1][j] + inOffset[j];
                    outOffset[i] += h;
                    inOffset[j] += h;
                    double mid = (x0 + x1) / 2;
                    GeneralPath band = new GeneralPath();
                    band.moveTo(x0, y0);
                    band.curveTo(mid, y0, mid, y1, x1, y1);
                    band.lineTo(x1, y1 + h);
                    band.curveTo(mid, y1 + h, mid, y0 + h, x0, y0 + h);
                    band.closePath();
                    Color c = color(i, identity[i]);
                    g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
                    g.fill(band);
                }
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        FontMetrics fm = g.getFontMetrics();
        for (int s = 0; s < steps; s++) {
            double x = LEFT + s * columnStep;
            for (int m = 0; m < e; m++) {
                double h = top1[s][m] * scale;
                if (h <= 0) {
                    continue;
                }
                g.setColor(color(m, identity[m]));
                g.fill(new java.awt.geom.Rectangle2D.Double(x, nodeY[s][m], NODE, Math.max(1, h)));
                if (h >= fm.getAscent()) {
                    String label = Integer.toString(m);
                    g.setColor(Color.WHITE);
                    g.drawString(label, (float) (x + (NODE - fm.stringWidth(label)) / 2.0),
                            (float) (nodeY[s][m] + h / 2 + fm.getAscent() / 2.0 - 1));
                }
            }
            g.setColor(Color.DARK_GRAY);
            String label = "step " + (s + 1);
            g.drawString(label, (float) (x + NODE / 2.0 - fm.stringWidth(label) / 2.0), HEIGHT - BOTTOM + 16);
        }
        g.setStroke(new BasicStroke(1));
        String legend = "bar height = tokens whose top-1 choice is the module (numbered); bands = moves to the next "
                + "step; grey = identity";
        g.drawString(legend, (WIDTH - fm.stringWidth(legend)) / 2f, HEIGHT - 10);
    }

    static boolean[] identityMask(List<String> kinds) {
        boolean[] id = new boolean[kinds.size()];
        for (int m = 0; m < id.length; m++) {
            id[m] = kinds.get(m).equals("identity");
        }
        return id;
    }
}
