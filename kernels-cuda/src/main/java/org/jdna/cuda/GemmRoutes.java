package org.jdna.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jdna.engine.backend.BackendUnavailableException;

/**
 * Chooses the GEMM route once per backend, in order: JCublas (needs libcublas.so.12), then the
 * installed libcublas bound through FFM (libcublas.so.13 or .12, by the loader's search, then by
 * {@link CublasLocator}), then the built-in kernel. Each route that fails leaves its reason, logged
 * and kept in {@link Selection#reasons()}.
 *
 * <p>{@code -Djdna.cuda.gemm=jcublas|ffm|kernel} forces one route; a forced route that cannot load
 * makes the backend unavailable with its reason (e.g. "libcublas.so.12 not found; ...").
 */
final class GemmRoutes {
    private static final System.Logger LOG = System.getLogger(GemmRoutes.class.getName());

    /** The chosen route and why the routes before it were passed over. */
    record Selection(GemmRoute route, List<String> reasons) {
    }

    private GemmRoutes() {
    }

    static Selection select(KernelRunner runner, String forced) throws BackendUnavailableException {
        List<String> reasons = new ArrayList<>();
        String mode = forced == null || forced.isBlank() ? "auto" : forced;
        if (!List.of("auto", "jcublas", "ffm", "kernel").contains(mode)) {
            throw new BackendUnavailableException("unknown jdna.cuda.gemm='" + mode + "' (auto, jcublas, ffm, kernel)");
        }
        if (mode.equals("auto") || mode.equals("jcublas")) {
            try {
                return new Selection(JCublasGemm.create(), reasons);
            } catch (Throwable t) {
                String why = "libcublas.so.12 not found; JCublas " + "12.6 cannot load (" + firstLine(t) + ")";
                reasons.add(why);
                LOG.log(System.Logger.Level.INFO, "cuda gemm: " + why);
                if (mode.equals("jcublas")) {
                    throw new BackendUnavailableException(why, t);
                }
            }
        }
        if (mode.equals("auto") || mode.equals("ffm")) {
            Optional<GemmRoute> ffm = tryFfm(reasons);
            if (ffm.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "cuda gemm: using " + ffm.get().description());
                return new Selection(ffm.get(), reasons);
            }
            if (mode.equals("ffm")) {
                throw new BackendUnavailableException(String.join("; ", reasons));
            }
        }
        LOG.log(System.Logger.Level.WARNING, "cuda gemm: no cuBLAS could be loaded (" + String.join("; ", reasons)
                + "); using the built-in tiled kernel (slower)");
        return new Selection(new KernelGemm(runner), reasons);
    }

    private static Optional<GemmRoute> tryFfm(List<String> reasons) {
        CublasLocator locator = CublasLocator.system();
        for (String soname : CublasLocator.SONAMES) {
            try {
                return Optional.of(FfmCublasGemm.open(soname));
            } catch (Throwable byName) {
                Optional<CublasLocator.Found> found = locator.find(soname);
                if (found.isEmpty()) {
                    reasons.add(locator.notFoundMessage(soname));
                    continue;
                }
                try {
                    return Optional.of(FfmCublasGemm.open(found.get().file().toString()));
                } catch (Throwable t) {
                    reasons.add(found.get().file() + " failed to bind: " + firstLine(t));
                }
            }
        }
        return Optional.empty();
    }

    static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage() != null ? t.getMessage() : t.toString());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
