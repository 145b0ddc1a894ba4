package org.jdna.dna.model;

import org.jdna.dna.config.Pooling;
import org.jdna.dna.config.VisionConfig;
import org.jdna.engine.nn.Embedding;
import org.jdna.engine.nn.Init;
import org.jdna.engine.nn.Linear;
import org.jdna.engine.nn.Module;
import org.jdna.engine.nn.ParameterKind;
import org.jdna.engine.ops.ShapeOps;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The vision input node (ViT): square images cut into P patches of C*p*p values, a linear patch
 * embedding (a Conv2d with stride = kernel = p, as a matmul), an optional class token in front, and
 * learned absolute positions. Parameters: {@code patch.weight} (D, C*p*p), {@code patch.bias} (D),
 * {@code cls} (1, D) when pooling is CLS, {@code pos.weight} (L, D) with L = P (+1).
 *
 * <p>Legend: B images, C channels, S image side, p patch side, P patches, L sequence length, D width.
 */
public final class PatchInput extends Module {
    private final VisionConfig vision;
    private final int width;
    private final Linear patch;
    private final Tensor cls;
    private final Embedding pos;

    public PatchInput(VisionConfig vision, int width, Rng rng) {
        this.vision = vision;
        this.width = width;
        this.patch = registerModule("patch", new Linear(vision.patchValues(), width, true, rng));
        this.cls = vision.pooling() == Pooling.CLS
                ? registerParameter("cls", Init.normal(Tensor.zeros(1, width), 0.02, rng), ParameterKind.EMBEDDING)
                : null;
        this.pos = registerModule("pos", new Embedding(vision.sequenceLength(), width, rng));
    }

    /** pixels (B, C*S*S) row-major, length already checked -> h (B*L, D). */
    public Tensor forward(float[] pixels, int batch) {
        int p = vision.patches();
        int l = vision.sequenceLength();
        Tensor patches = Tensor.of(patch.weight().backend(), patchify(pixels, batch), batch * p, vision.patchValues());
        Tensor x = patch.forward(patches).reshape(batch, p, width);                   // (B, P, D)
        if (cls != null) {
            Tensor token = ShapeOps.expand(cls.reshape(1, 1, width), batch, 1, width);  // (B, 1, D)
            x = ShapeOps.concat(1, token, x);                                            // (B, P+1, D)
        }
        return x.add(pos.weight()).reshape(batch * l, width);
    }

    /**
     * Rearranges images (B, C, S, S) into patch rows (B*P, C*p*p): patches in row-major order over the
     * image, values within a patch ordered (c, dy, dx) like a Conv2d weight (D, C, p, p).
     */
    public float[] patchify(float[] pixels, int batch) {
        int c = vision.channels();
        int side = vision.imageSize();
        int ps = vision.patchSize();
        int perSide = side / ps;
        int values = vision.patchValues();
        int patches = vision.patches();
        float[] out = new float[batch * patches * values];
        for (int b = 0; b < batch; b++) {
            for (int py = 0; py < perSide; py++) {
                for (int px = 0; px < perSide; px++) {
                    int row = (b * patches + py * perSide + px) * values;
                    for (int ch = 0; ch < c; ch++) {
                        for (int dy = 0; dy < ps; dy++) {
                            int src = ((b * c + ch) * side + py * ps + dy) * side + px * ps;
                            System.arraycopy(pixels, src, out, row + (ch * ps + dy) * ps, ps);
                        }
                    }
                }
            }
        }
        return out;
    }

    public Linear patch() { return patch; }

    /** (1, D), or null with mean pooling. */
    public Tensor cls() { return cls; }

    public Embedding pos() { return pos; }

    /** Values per image, C*S*S. */
    public int pixelsPerImage() {
        return vision.channels() * vision.imageSize() * vision.imageSize();
    }
}
