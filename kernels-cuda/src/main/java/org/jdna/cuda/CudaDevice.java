package org.jdna.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

import jcuda.NativePointerObject;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.jdna.engine.backend.BackendUnavailableException;

/**
 * One CUDA device and its primary context (the one the CUDA runtime, and so cuBLAS, also uses).
 * Work is queued on the legacy default stream, so kernels, copies and cuBLAS calls run in the
 * order they are issued. {@link #open} retains the primary context and {@link #close} releases it:
 * the driver counts the retains, and destroys the context, with whatever memory and modules are
 * left in it, when the last is released.
 */
public final class CudaDevice implements AutoCloseable {
    private static final Method NATIVE_POINTER = nativePointerAccessor();

    private final CUdevice device;
    private final CUcontext context;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int multiprocessors;
    private final long totalBytes;
    private final int sharedOptInLimit;
    private final ThreadLocal<Boolean> currentOnThread = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private boolean released;

    private CudaDevice(CUdevice device, CUcontext context, String name, int ccMajor, int ccMinor,
                       int multiprocessors, long totalBytes, int sharedOptInLimit) {
        this.device = device;
        this.context = context;
        this.name = name;
        this.ccMajor = ccMajor;
        this.ccMinor = ccMinor;
        this.multiprocessors = multiprocessors;
        this.totalBytes = totalBytes;
        this.sharedOptInLimit = sharedOptInLimit;
        currentOnThread.set(Boolean.TRUE);
    }

    private static final java.util.regex.Pattern MISSING_LIBRARY =
            java.util.regex.Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file[^\\r\\n]*");

    /**
     * JCuda's load error in one line: its first line plus the library the loader could not open (the message
     * itself carries the nested stack traces of every attempt), e.g. "Error while loading native library
     * "JCudaDriver-12.6.0-linux-x86_64" (libcuda.so.1: cannot open shared object file: No such file or directory)".
     */
    static String linkFailureReason(String message) {
        if (message == null || message.isBlank()) {
            return "no reason given";
        }
        String first = message.strip().lines().findFirst().orElse("").strip();
        java.util.regex.Matcher m = MISSING_LIBRARY.matcher(message);
        String missing = null;
        while (m.find()) {
            missing = m.group();
        }
        return missing == null ? first : first + " (" + missing.strip() + ")";
    }

    /**
     * Initializes the driver and retains device {@code ordinal}'s primary context.
     *
     * @throws BackendUnavailableException when there is no CUDA here: "JCuda natives failed to load: ..."
     *         or "no CUDA device (...)"
     * @throws IllegalStateException when the device exists but cannot be used ("CUDA device 0 is present
     *         but unusable (cuDevicePrimaryCtxRetain: ...)"): a fault, not an absence
     */
    public static CudaDevice open(int ordinal) throws BackendUnavailableException {
        int init;
        try {
            JCudaDriver.setExceptionsEnabled(false);
            init = JCudaDriver.cuInit(0);
        } catch (LinkageError e) {
            throw new BackendUnavailableException("JCuda natives failed to load: " + linkFailureReason(e.getMessage()), e);
        }
        if (init != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException("no CUDA device (cuInit: " + CUresult.stringFor(init) + ")");
        }
        int[] count = new int[1];
        int r = JCudaDriver.cuDeviceGetCount(count);
        if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
            throw new BackendUnavailableException("no CUDA device (cuDeviceGetCount: "
                    + (r != CUresult.CUDA_SUCCESS ? CUresult.stringFor(r) : "0 devices") + ")");
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new BackendUnavailableException("no CUDA device " + ordinal + " (this machine has " + count[0] + ")");
        }
        CUdevice dev = new CUdevice();
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet", ordinal);
        check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain", ordinal);
        check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent", ordinal);
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, dev);
        int n = 0;
        while (n < nameBytes.length && nameBytes[n] != 0) {
            n++;
        }
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        int major = v[0];
        JCudaDriver.cuDeviceGetAttribute(v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        int minor = v[0];
        JCudaDriver.cuDeviceGetAttribute(v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
        int sms = v[0];
        v[0] = Launch.DEFAULT_SHARED_LIMIT; // what is left if the driver cannot say (exceptions are off here)
        JCudaDriver.cuDeviceGetAttribute(v, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev);
        int optIn = v[0];
        long[] total = new long[1];
        JCudaDriver.cuDeviceTotalMem(total, dev);
        JCudaDriver.setExceptionsEnabled(true);
        return new CudaDevice(dev, ctx, new String(nameBytes, 0, n, StandardCharsets.UTF_8), major, minor, sms, total[0], optIn);
    }

    private static void check(int result, String call, int ordinal) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("CUDA device " + ordinal + " is present but unusable (" + call + ": "
                    + CUresult.stringFor(result) + ")");
        }
    }

    /** Makes the context current on the calling thread (once per thread). */
    public void makeCurrent() {
        if (!currentOnThread.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            currentOnThread.set(Boolean.TRUE);
        }
    }

    public void synchronize() {
        makeCurrent();
        JCudaDriver.cuCtxSynchronize();
    }

    /** Releases this device's retain of the primary context (cuDevicePrimaryCtxRelease). Idempotent. */
    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }

    /** The raw device address of a pointer made by cuMemAlloc (what a kernel's float* receives). */
    public static long addressOf(CUdeviceptr p) {
        try {
            return (long) NATIVE_POINTER.invoke(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the address of a CUdeviceptr", e);
        }
    }

    private static Method nativePointerAccessor() {
        try {
            Method m = NativePointerObject.class.getDeclaredMethod("getNativePointer");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public CUdevice device() { return device; }
    public String name() { return name; }
    public int computeMajor() { return ccMajor; }
    public int computeMinor() { return ccMinor; }
    public int multiprocessors() { return multiprocessors; }
    public long totalBytes() { return totalBytes; }
    /** Shared memory a block may use once its kernel opts in (CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN). */
    public int sharedOptInLimit() { return sharedOptInLimit; }

    @Override
    public String toString() {
        return name + " (sm_" + ccMajor + ccMinor + ", " + multiprocessors + " SMs, "
                + (totalBytes >> 20) + " MiB)";
    }
}
