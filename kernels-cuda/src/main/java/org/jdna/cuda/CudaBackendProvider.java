package org.jdna.cuda;

import java.util.List;
import java.util.Optional;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendProvider;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.BackendUnavailableException;

/**
 * Registers the CUDA backend as "cuda" (priority -1: used only when named, e.g.
 * {@code -Djdna.backend=cuda}). The backend is created once per process; when it cannot run, every
 * call says why, in the order the checks are made:
 * <ol>
 *   <li>"JCuda natives failed to load: ..." (no libcuda.so.1, unsupported platform)</li>
 *   <li>"no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)" and the like</li>
 *   <li>"built without PTX (nvcc was not found at build time)"</li>
 *   <li>a forced GEMM route that cannot load, e.g. "libcublas.so.12 not found; ..."</li>
 * </ol>
 * The device ordinal comes with the settings ({@link #create(BackendSettings)}); {@link #shared()}
 * (tests) takes {@code jdna.cuda.device}. User overrides as system properties: {@code jdna.cuda.gemm}
 * (auto, jcublas, ffm, kernel), {@code jdna.cuda.syncEachLaunch}.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** The reason when no PTX is in the jar. */
    public static final String NO_PTX = "built without PTX (nvcc was not found at build time)";

    private static Backend created;
    private static int createdDevice;
    private static BackendUnavailableException failure;

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

    /** The process's CUDA backend, or the reason it cannot run (the same reason on every call). */
    static synchronized Backend shared(int device) throws BackendUnavailableException {
        if (created != null) {
            if (device != createdDevice) {
                throw new BackendUnavailableException("this process's CUDA backend runs on device " + createdDevice
                        + "; device " + device + " was asked for (one device per process)");
            }
            return created;
        }
        if (failure != null) {
            throw new BackendUnavailableException(failure.getMessage(), failure);
        }
        try {
            created = open(device);
            createdDevice = device;
            return created;
        } catch (BackendUnavailableException e) {
            failure = e;
            throw e;
        } catch (RuntimeException | LinkageError e) {
            failure = new BackendUnavailableException("CUDA backend failed to start: " + e, e);
            throw failure;
        }
    }

    /** Empty when the backend runs here, else the reason (for test assumptions). */
    public static Optional<String> unavailableReason() {
        try {
            shared();
            return Optional.empty();
        } catch (BackendUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Backend open(int ordinal) throws BackendUnavailableException {
        CudaDevice device = CudaDevice.open(ordinal);
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
