package org.jdna.engine.autograd;

/**
 * Whether ops record themselves on the tape. Thread-local, so a data-loading thread cannot turn
 * recording off for the training thread.
 *
 * <pre>{@code
 * try (var ignored = GradMode.disabled()) { ... evaluation ... }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off until the returned scope is closed (scopes nest). */
    public static Scope disabled() {
        return set(false);
    }

    /** Turns recording on until the returned scope is closed. */
    public static Scope enabled() {
        return set(true);
    }

    private static Scope set(boolean on) {
        boolean previous = ENABLED.get();
        ENABLED.set(on);
        return () -> ENABLED.set(previous);
    }

    /** A scope that restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
