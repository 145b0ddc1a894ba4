package org.jdna.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter lists of the kernels as nvcc compiled them, read from the PTX on the class path
 * ({@code .visible .entry name(.param .u64 name_param_0, ...)}). PTX types: .u64 for pointers and
 * long long, .u32 for int, .f32 for float, .f64 for double.
 */
final class PtxSignatures {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    private PtxSignatures() {
    }

    /** The arch whose PTX the tests read: the portable one, built on every machine with nvcc. */
    static final String ARCH = "compute_75";

    /** Whether the build put PTX on the class path (it does wherever nvcc was found). */
    static boolean available() {
        return !PtxCatalog.availableArchs(PtxSignatures.class.getClassLoader()).isEmpty();
    }

    /** Kernel name -> PTX types of its parameters, for every kernel of every family. */
    static Map<String, List<String>> all() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String family : PtxCatalog.FAMILIES) {
            byte[] z = PtxCatalog.load(PtxSignatures.class.getClassLoader(), ARCH, family);
            String text = new String(z, 0, z.length - 1, StandardCharsets.UTF_8);
            Matcher m = ENTRY.matcher(text);
            while (m.find()) {
                List<String> types = new ArrayList<>();
                Matcher p = PARAM.matcher(m.group(2));
                while (p.find()) {
                    types.add(p.group(1));
                }
                out.put(m.group(1), types);
            }
        }
        return out;
    }

    /** The PTX type a KernelArgs kind must meet. */
    static String ptxType(KernelArgs.Kind kind) {
        return switch (kind) {
            case POINTER, LONG -> "u64";
            case INT -> "u32";
            case FLOAT -> "f32";
            case DOUBLE -> "f64";
        };
    }
}
