package org.jdna.engine.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds backends at run time through {@link ServiceLoader} and holds the current one.
 *
 * <p>Selection: {@link #use(String, BackendSettings)} names a backend; {@link #useDefault} and the
 * first {@link #current()} take the one the user named with the system property {@code jdna.backend}
 * (e.g. {@code -Djdna.backend=reference}, the outermost override), else the available provider with
 * the highest priority (SIMD when kernels-simd is on the class path, the reference backend
 * otherwise). GPU backends are only used when named. A named backend that cannot run fails with the
 * provider's reason.
 *
 * <p>Settings (threads, device) reach the provider as values. A backend is created once per name and
 * settings: one built with other settings (say the defaults, before a command's options applied) is
 * never handed out in its place.
 *
 * <p>{@link #closeAll()} releases the backends made here (a GPU backend's device memory, handles and
 * context) and forgets them. Nothing calls it at JVM shutdown: the driver returns a process's device
 * memory when the process ends, and a shutdown hook would free memory under a thread that may still
 * be launching kernels. A program that lives on after its GPU work (a server, a notebook, a test
 * that switches backends) calls it.
 */
public final class Backends {
    /** The system property by which a user names the backend when the program leaves the choice open. */
    public static final String PROPERTY = "jdna.backend";

    private record Key(String name, BackendSettings settings) {}

    private static final Map<Key, Backend> CREATED = new LinkedHashMap<>();
    private static volatile Backend current;

    private Backends() {
    }

    /** The backend new tensors are created on (the default one, with default settings, until one is chosen). */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                if (current == null) {
                    current = chooseDefault(BackendSettings.DEFAULTS);
                }
                b = current;
            }
        }
        return b;
    }

    /** Makes the named backend, with default settings, current and returns it. */
    public static Backend use(String name) {
        return use(name, BackendSettings.DEFAULTS);
    }

    /** Makes the named backend with {@code settings} current and returns it. */
    public static synchronized Backend use(String name, BackendSettings settings) {
        current = get(name, settings);
        return current;
    }

    /**
     * Makes the user's backend ({@code -Djdna.backend}) or else the fastest available one, with
     * {@code settings}, current and returns it.
     */
    public static synchronized Backend useDefault(BackendSettings settings) {
        current = chooseDefault(settings);
        return current;
    }

    /** Makes the given backend current (for tests that construct backends with special settings). */
    public static synchronized void use(Backend backend) {
        current = backend;
    }

    /** The named backend with default settings; see {@link #get(String, BackendSettings)}. */
    public static Backend get(String name) {
        return get(name, BackendSettings.DEFAULTS);
    }

    /** The named backend with {@code settings} (created once and cached), or an IllegalStateException that says why not. */
    public static synchronized Backend get(String name, BackendSettings settings) {
        Key key = new Key(name, settings);
        Backend cached = CREATED.get(key);
        if (cached == null) {
            cached = create(name, settings);
            CREATED.put(key, cached);
        }
        return cached;
    }

    /**
     * A new backend of the named provider with {@code settings}, not cached: for a caller that owns its
     * lifetime (a benchmark closes its thread pool). An IllegalStateException says why it cannot run.
     */
    public static Backend create(String name, BackendSettings settings) {
        List<String> known = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            known.add(p.name());
            if (p.name().equals(name)) {
                try {
                    return p.create(settings);
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

    /**
     * Closes every backend made by {@link #get} (each once, however many settings it was cached
     * under) and forgets them, so that the next request makes new ones; the current backend is
     * forgotten too when it was one of them. A backend made current with {@link #use(Backend)} by
     * its owner, or made by {@link #create}, is left to its owner. Every backend is closed even when
     * one fails: the first failure is thrown, with the others suppressed.
     */
    public static synchronized void closeAll() {
        List<Backend> made = new ArrayList<>(CREATED.values());
        CREATED.clear();
        if (current != null && made.stream().anyMatch(b -> b == current)) {
            current = null;
        }
        closeEach(made);
    }

    /** Closes each distinct backend of {@code backends} once, in order, going on past failures. */
    static void closeEach(List<Backend> backends) {
        List<Backend> closed = new ArrayList<>();
        RuntimeException failure = null;
        for (Backend b : backends) {
            if (closed.stream().anyMatch(c -> c == b)) {
                continue;
            }
            closed.add(b);
            try {
                b.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing backend '" + b.name() + "' failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Names of all providers on the class path with their availability ("ok" or the reason), at default settings. */
    public static synchronized Map<String, String> survey() {
        Map<String, String> out = new LinkedHashMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            try {
                Key key = new Key(p.name(), BackendSettings.DEFAULTS);
                Backend b = CREATED.containsKey(key) ? CREATED.get(key) : p.create(BackendSettings.DEFAULTS);
                CREATED.putIfAbsent(key, b);
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

    private static Backend chooseDefault(BackendSettings settings) {
        String named = System.getProperty(PROPERTY);
        return (named == null || named.isBlank()) ? best(settings) : get(named.strip(), settings);
    }

    private static Backend best(BackendSettings settings) {
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
            return get(best.name(), settings);
        } catch (IllegalStateException e) {
            return get("reference", settings);
        }
    }
}
