package org.jdna.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the PTX lives in the jar and which build of it suits a device. No JCuda here: unit-tested
 * without a GPU.
 *
 * <p>The build (scripts/build-ptx.sh) writes {@code ptx/<arch>/<family>.ptx} for each kernel family
 * (one {@code src/main/cuda/<family>.cu} each) and each virtual architecture in {@link #ARCHS}. The
 * driver JIT-compiles PTX of an architecture at most the device's compute capability.
 */
public final class PtxCatalog {

    /** Kernel families: one .cu file and one PTX module each. */
    public static final List<String> FAMILIES = List.of(
            "elementwise", "layout", "reduce", "softmax", "layernorm", "loss",
            "indexing", "attention", "routing", "adamw", "gemm");

    /** Virtual architectures built, newest first. */
    public static final List<String> ARCHS = List.of("compute_90", "compute_75");

    private PtxCatalog() {
    }

    public static String resource(String arch, String family) {
        return "ptx/" + arch + "/" + family + ".ptx";
    }

    /** Numeric capability of an arch name: "compute_90" -> 90. */
    public static int capabilityOf(String arch) {
        int u = arch.lastIndexOf('_');
        if (u < 0) {
            throw new IllegalArgumentException("not a virtual architecture name: " + arch);
        }
        return Integer.parseInt(arch.substring(u + 1));
    }

    /** Archs whose PTX for every family is on the class path of {@code loader}. */
    public static List<String> availableArchs(ClassLoader loader) {
        List<String> out = new ArrayList<>();
        for (String arch : ARCHS) {
            boolean all = true;
            for (String family : FAMILIES) {
                if (loader.getResource(resource(arch, family)) == null) {
                    all = false;
                    break;
                }
            }
            if (all) {
                out.add(arch);
            }
        }
        return out;
    }

    /** The newest available arch the device can run (capability major.minor), if any. */
    public static Optional<String> chooseArch(int major, int minor, List<String> available) {
        int device = major * 10 + minor;
        String best = null;
        for (String arch : available) {
            int c = capabilityOf(arch);
            if (c <= device && (best == null || c > capabilityOf(best))) {
                best = arch;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The PTX text of one family, NUL-terminated as cuModuleLoadData expects. */
    public static byte[] load(ClassLoader loader, String arch, String family) {
        String path = resource(arch, family);
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the class path");
            }
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException("reading PTX resource " + path, e);
        }
    }
}
