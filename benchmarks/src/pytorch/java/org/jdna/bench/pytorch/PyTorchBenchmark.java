package org.jdna.bench.pytorch;

import org.jdna.bench.JdnaBenchmark;
import org.openjdk.jmh.annotations.Fork;

/**
 * The JMH settings of the PyTorch 2.7.1 benchmarks: {@link JdnaBenchmark}'s (mode, warm-up,
 * measurement are inherited), and its fork flags plus DJL's: no downloads, one inter-op thread, and
 * native access for the JNA and JNI libraries DJL loads. The intra-op thread count is each
 * benchmark's {@code threads} param, set in its setup ({@link Torch#engine}).
 */
@Fork(value = 2, jvmArgsAppend = {JdnaBenchmark.VECTOR_FLAG, "-Xms3g", "-Xmx3g", "-XX:+UseParallelGC",
        Torch.OFFLINE, Torch.INTEROP_THREADS, "--enable-native-access=ALL-UNNAMED"})
public abstract class PyTorchBenchmark extends JdnaBenchmark {
}
