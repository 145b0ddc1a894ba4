package org.jdna.cuda;

import java.util.List;
import java.util.Optional;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendProvider;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.BackendUnavailableException;

/**
 * Registers the CUDA backend as "cuda" (priority -1: used only when named, e.g.
 * {@code -Djdna.backend=cuda}). The backend is started once per process ({@link #startup()}); when
 * it cannot run, every call says why, in the order the checks are made:
 * <ol>
 *   <li>"JCuda natives failed to load: ..." (no libcuda.so.1, unsupported platform)</li>
 *   <li>"no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)" and the like</li>
 *   <li>with a device present, "CUDA backend failed to start on ...: " and the cause: "built without
 *       PTX (nvcc was not found at build time)", a PTX the driver cannot load, a forced GEMM route
 *       that cannot load ("libcublas.so.12 not found; ..."), any exception while building it</li>
 * </ol>
 * The first two leave the backend {@link CudaStartup.Outcome#ABSENT}, the third
 * {@link CudaStartup.Outcome#BROKEN}. The device ordinal comes with the settings
 * ({@link #create(BackendSettings)}); {@link #shared()} (tests) takes {@code jdna.cuda.device}, default 0.
 * One device per process, one backend at a time: once the backend is closed
 * ({@link org.jdna.engine.backend.Backends#closeAll()}), the next call starts a new one, on any
 * device. User overrides as system properties: {@code jdna.cuda.gemm} (auto, jcublas, ffm, kernel),
 * {@code jdna.cuda.syncEachLaunch}.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** The reason when no PTX is in the jar. */
    public static final String NO_PTX = "built without PTX (nvcc was not found at build time)";

    private static CudaStartup startup;
    private static int startupDevice;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Backend create(BackendSettings settings) throws BackendUnavailableException {
        return shared(settings.device());
    }

    /** The process's CUDA backend on device {@code jdna.cuda.device} (default 0), or the reason it cannot run. */
    public static Backend shared() throws BackendUnavailableException {
        return shared(Integer.getInteger("jdna.cuda.device", 0));
    }

    /** The process's CUDA backend on {@code device}, or the reason it cannot run (the same reason on every call). */
    static Backend shared(int device) throws BackendUnavailableException {
        CudaStartup s = startup(device);
        if (!s.ready()) {
            throw new BackendUnavailableException(s.reason(), s.cause());
        }
        return s.backend();
    }

    /** How starting the backend went on the default device ({@code jdna.cuda.device}, default 0). */
    public static CudaStartup startup() {
        return startup(Integer.getInteger("jdna.cuda.device", 0));
    }

    /**
     * How starting the backend went: started on the first call, the same answer on every later one
     * until the backend is closed. A later call for another device is refused (one device per process).
     */
    static synchronized CudaStartup startup(int device) {
        if (startup != null && startup.backend() instanceof CudaBackend b && b.isClosed()) {
            startup = null;
        }
        if (startup == null) {
            startup = start(() -> CudaDevice.open(device), CudaBackendProvider::build);
            startupDevice = device;
        } else if (device != startupDevice) {
            return CudaStartup.absent("this process's CUDA backend runs on device " + startupDevice + "; device "
                    + device + " was asked for (one device per process)", null);
        }
        return startup;
    }

    /** Empty when the backend runs here, else the reason. */
    public static Optional<String> unavailableReason() {
        CudaStartup s = startup();
        return s.ready() ? Optional.empty() : Optional.of(s.reason());
    }

    /** Finds the device (stage 1): BackendUnavailableException when the machine has no CUDA. */
    @FunctionalInterface
    interface DeviceStage<D> {
        D open() throws BackendUnavailableException;
    }

    /** Builds the backend on a device that was found (stage 2). */
    @FunctionalInterface
    interface BuildStage<D> {
        Backend build(D device) throws BackendUnavailableException;
    }

    /**
     * The two stages of a start, and what their failures mean: a BackendUnavailableException from
     * stage 1 is an absence; anything else thrown by stage 1, and anything thrown by stage 2 (a
     * device is there by then), leaves the backend broken. A device that stage 2 could not build on
     * is closed (its context released).
     */
    static <D> CudaStartup start(DeviceStage<D> findDevice, BuildStage<D> build) {
        D device;
        try {
            device = findDevice.open();
        } catch (BackendUnavailableException e) {
            return CudaStartup.absent(e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            return CudaStartup.broken("CUDA backend failed to start: " + describe(e), e);
        }
        try {
            return CudaStartup.ready(build.build(device));
        } catch (BackendUnavailableException | RuntimeException | LinkageError e) {
            if (device instanceof AutoCloseable opened) {
                try {
                    opened.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            return CudaStartup.broken("CUDA backend failed to start on " + device + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable t) {
        return t instanceof BackendUnavailableException || t instanceof IllegalStateException ? t.getMessage() : t.toString();
    }

    private static Backend build(CudaDevice device) throws BackendUnavailableException {
        List<String> archs = PtxCatalog.availableArchs(CudaBackendProvider.class.getClassLoader());
        if (archs.isEmpty()) {
            throw new BackendUnavailableException(NO_PTX);
        }
        String arch = PtxCatalog.chooseArch(device.computeMajor(), device.computeMinor(), archs)
                .orElseThrow(() -> new BackendUnavailableException("no PTX for compute capability "
                        + device.computeMajor() + "." + device.computeMinor() + " (built for " + archs + ")"));
        return new CudaBackend(device, arch, System.getProperty("jdna.cuda.gemm"));
    }
}
