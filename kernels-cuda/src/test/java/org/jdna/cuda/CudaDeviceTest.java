package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Host side of device opening: the load-failure message a user sees (runs without a GPU). */
class CudaDeviceTest {
    @Test
    void jcudaLoadErrorIsCondensedToItsFirstLineAndTheMissingLibrary() {
        String jcuda = """
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Operating system name: Linux
                ---(start of nested stack traces)---
                Stack trace from the attempt to load the library as a file:
                java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
                \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2458)
                Stack trace from the attempt to load the library as a resource:
                java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory
                \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
                ---(end of nested stack traces)---
                """;
        assertEquals("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\" (libcuda.so.1: cannot"
                + " open shared object file: No such file or directory)", CudaDevice.linkFailureReason(jcuda));
        assertEquals("some other failure", CudaDevice.linkFailureReason("some other failure\n\tat x.y(Z.java:1)"));
        assertEquals("no reason given", CudaDevice.linkFailureReason(null));
    }
}
