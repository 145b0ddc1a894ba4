package org.jdna.cuda;

import java.util.HashMap;
import java.util.Map;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * Loads each kernel family's PTX from the class path once (cuModuleLoadData: the driver JIT-compiles
 * it for the device) and caches the CUfunctions by name, until {@link #close} unloads them.
 */
final class PtxModules implements AutoCloseable {
    private final ClassLoader loader;
    private final String arch;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private boolean closed;

    PtxModules(ClassLoader loader, String arch) {
        this.loader = loader;
        this.arch = arch;
    }

    String arch() {
        return arch;
    }

    /** The kernel {@code name} ({@code extern "C"}) of family {@code family} (its .cu file's name). */
    synchronized CUfunction function(String family, String name) {
        if (closed) {
            throw new IllegalStateException("backend 'cuda' was closed: kernel " + name + " cannot be launched");
        }
        String key = family + "/" + name;
        CUfunction f = functions.get(key);
        if (f == null) {
            CUmodule m = modules.computeIfAbsent(family, this::loadModule);
            f = new CUfunction();
            try {
                JCudaDriver.cuModuleGetFunction(f, m, name);
            } catch (RuntimeException e) {
                throw new IllegalStateException("kernel " + name + " not found in " + PtxCatalog.resource(arch, family), e);
            }
            functions.put(key, f);
        }
        return f;
    }

    /** Loads every family now (so a broken PTX fails at backend creation, not mid-training). */
    void loadAll() {
        for (String family : PtxCatalog.FAMILIES) {
            modules.computeIfAbsent(family, this::loadModule);
        }
    }

    /** cuModuleUnload of every module loaded (their functions go with them). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        functions.clear();
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
    }

    private CUmodule loadModule(String family) {
        CUmodule m = new CUmodule();
        try {
            JCudaDriver.cuModuleLoadData(m, PtxCatalog.load(loader, arch, family));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cuModuleLoadData failed for " + PtxCatalog.resource(arch, family)
                    + " (the driver may be older than the nvcc that built the PTX): " + e.getMessage(), e);
        }
        return m;
    }
}
