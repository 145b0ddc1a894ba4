package org.jdna.engine.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds backends at run time through {@link ServiceLoader} and holds the current one.
 *
 * <p>Selection: the system property {@code jdna.backend} (e.g. {@code -Djdna.backend=reference}),
 * else {@link #use(String)}, else the available provider with the highest priority (SIMD when
 * kernels-simd is on the class path, the reference backend otherwise). GPU backends are only used
 * when named. A named backend that cannot run fails with the provider's reason.
 */
public final class Backends {
    private static final Map<String, Backend> CREATED = new LinkedHashMap<>();
    private static volatile Backend current;

    private Backends() {
    }

    /** The backend new tensors are created on. */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                if (current == null) {
                    String named = System.getProperty("jdna.backend");
                    current = (named == null || named.isBlank()) ? best() : get(named);
                }
                b = current;
            }
        }
        return b;
    }

    /** Makes the named backend current and returns it. */
    public static synchronized Backend use(String name) {
        current = get(name);
        return current;
    }

    /** Makes the given backend current (for tests that construct backends with special settings). */
    public static synchronized void use(Backend backend) {
        current = backend;
    }

    /** The named backend (created once and cached), or an IllegalStateException that says why not. */
    public static synchronized Backend get(String name) {
        Backend cached = CREATED.get(name);
        if (cached != null) {
            return cached;
        }
        List<String> known = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            known.add(p.name());
            if (p.name().equals(name)) {
                try {
                    Backend b = p.create();
                    CREATED.put(name, b);
                    return b;
                } catch (BackendUnavailableException e) {
                    throw new IllegalStateException("backend '" + name + "' is unavailable: " + e.getMessage(), e);
                } catch (LinkageError e) {
                    throw new IllegalStateException("backend '" + name + "' failed to load: " + e, e);
                }
            }
        }
        throw new IllegalStateException("no backend named '" + name + "' on the class path (found: " + known
                + "); add the module that provides it (jdna-kernels-simd, jdna-kernels-cuda)");
    }

    /** Names of all providers on the class path with their availability ("ok" or the reason). */
    public static synchronized Map<String, String> survey() {
        Map<String, String> out = new LinkedHashMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            try {
                Backend b = CREATED.containsKey(p.name()) ? CREATED.get(p.name()) : p.create();
                CREATED.putIfAbsent(p.name(), b);
                out.put(p.name(), "ok: " + b.description());
            } catch (BackendUnavailableException | LinkageError e) {
                out.put(p.name(), "unavailable: " + firstLine(e.getMessage()));
            }
        }
        return out;
    }

    // native loaders append multi-line diagnostics (OS, architecture, stack lines); a survey wants the reason
    private static String firstLine(String message) {
        if (message == null) {
            return "(no reason given)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl).strip();
    }

    private static Backend best() {
        BackendProvider best = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.priority() >= 0 && (best == null || p.priority() > best.priority())) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no backend provider found on the class path");
        }
        try {
            return get(best.name());
        } catch (IllegalStateException e) {
            return get("reference");
        }
    }
}
