package org.jdna.bench.pytorch;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch (PyTorch 2.7.1's C++ library) reached through DJL, the way a Java user reaches it: the
 * engine, its intra-op thread count, and host arrays copied in.
 *
 * <p>The library comes from Maven Central ({@code ai.djl.pytorch:pytorch-native-cpu:2.7.1}, the
 * {@code pytorch} profile of benchmarks/pom.xml puts it on the class path); DJL extracts its .so files
 * to {@code ~/.djl.ai/pytorch} on first use. {@code ai.djl.offline=true} keeps DJL from downloading
 * anything, so a missing jar fails here instead of fetching a library at run time.
 */
public final class Torch {
    /** DJL's switch against run-time downloads. */
    public static final String OFFLINE = "-Dai.djl.offline=true";
    /** One inter-op thread: the routed work runs its ops one after another, as the Python peers do. */
    public static final String INTEROP_THREADS = "-Dai.djl.pytorch.num_interop_threads=1";

    private Torch() {
    }

    /**
     * The PyTorch engine with {@code threads} intra-op threads (Python's {@code torch.set_num_threads}).
     * Outside JMH the two properties above are set here when absent; DJL reads them when it loads.
     */
    public static Engine engine(int threads) {
        setDefault(OFFLINE);
        setDefault(INTEROP_THREADS);
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (EngineException | IllegalArgumentException e) {
            throw new IllegalStateException("PyTorch 2.7.1 through DJL did not load (" + e.getMessage() + "): build "
                    + "benchmarks/target/benchmarks-pytorch.jar with `mvn -pl benchmarks -am package -DskipTests -P pytorch`, "
                    + "which puts ai.djl.pytorch:pytorch-native-cpu on the class path", e);
        }
        JniUtils.setNumThreads(threads);
        if (JniUtils.getNumThreads() != threads) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " intra-op threads, asked for " + threads);
        }
        return engine;
    }

    /** A float32 array of {@code shape} holding {@code data} (row-major), on {@code manager}. */
    public static NDArray floats(NDManager manager, float[] data, long... shape) {
        return manager.create(data, new Shape(shape));
    }

    /**
     * A float32 scalar in libtorch's own memory, on {@code like}'s manager, for arithmetic that autograd
     * records. DJL's {@code div(Number)}, {@code mul(Number)}, {@code add(Number)}, {@code pow(Number)}
     * wrap the Java number's direct buffer as a tensor without copying and free the Java side at once;
     * autograd keeps that tensor for the backward (x / c saves c), which then reads memory the GC may
     * have freed (seen as a NaN loss after a few steps, depending on GC timing).
     */
    public static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, DataType.FLOAT32);
    }

    private static void setDefault(String flag) {
        String[] kv = flag.substring(2).split("=", 2);
        if (System.getProperty(kv[0]) == null) {
            System.setProperty(kv[0], kv[1]);
        }
    }
}
