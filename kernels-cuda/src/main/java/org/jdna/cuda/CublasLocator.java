package org.jdna.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a libcublas shared library on disk for the FFM binding: JCublas 12.6 links
 * libcublas.so.12, while a machine with only CUDA 13 (or only PyTorch's nvidia-cublas wheel) has
 * libcublas.so.13 somewhere off the loader's path. Pure file-system logic, unit-tested on fake
 * directory trees (CublasLocatorTest).
 *
 * <p>Search order: {@code $JDNA_CUBLAS} (a file or a folder), LD_LIBRARY_PATH, CUDA_HOME /
 * CUDA_PATH, /usr/local/cuda, the system library folders, then the lib folders of Python's
 * {@code nvidia} packages (nvidia/cu13/lib, nvidia/cublas/lib) under the usual prefixes.
 */
public final class CublasLocator {

    /** Library file names, newest first. */
    public static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    /** The CUDA toolkit's and the system's library folders, searched after the environment's. */
    public static final List<Path> SYSTEM_FOLDERS = List.of(
            Path.of("/usr/local/cuda/lib64"), Path.of("/usr/local/cuda/lib"),
            Path.of("/usr/local/cuda/targets/x86_64-linux/lib"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"));

    private final Map<String, String> env;
    private final List<Path> systemFolders;
    private final List<Path> pythonPrefixes;

    /**
     * @param env            the environment (JDNA_CUBLAS, LD_LIBRARY_PATH, CUDA_HOME, CUDA_PATH)
     * @param systemFolders  folders searched after the environment's ({@link #SYSTEM_FOLDERS})
     * @param pythonPrefixes lib folders holding python3.X, searched last for nvidia wheels
     */
    public CublasLocator(Map<String, String> env, List<Path> systemFolders, List<Path> pythonPrefixes) {
        this.env = env;
        this.systemFolders = systemFolders;
        this.pythonPrefixes = pythonPrefixes;
    }

    /** The locator for this process: real environment, system folders, usual Python prefixes. */
    public static CublasLocator system() {
        String home = System.getProperty("user.home", "/root");
        return new CublasLocator(System.getenv(), SYSTEM_FOLDERS, List.of(
                Path.of("/opt/torch/.venv/lib"), Path.of("/opt/conda/lib"), Path.of("/usr/local/lib"),
                Path.of("/usr/lib"), Path.of(home, ".local/lib")));
    }

    /** A found library: its file and its soname. */
    public record Found(Path file, String soname) {
    }

    /** Folders searched, in order, without duplicates (existing or not). */
    public List<Path> searchFolders() {
        Set<Path> dirs = new LinkedHashSet<>();
        String explicit = env.get("JDNA_CUBLAS");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            dirs.add(Files.isRegularFile(p) && p.getParent() != null ? p.getParent() : p);
        }
        String ld = env.get("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String part : ld.split(":")) {
                if (!part.isBlank()) {
                    dirs.add(Path.of(part));
                }
            }
        }
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                dirs.add(Path.of(v, "lib64"));
                dirs.add(Path.of(v, "lib"));
            }
        }
        dirs.addAll(systemFolders);
        dirs.addAll(pythonNvidiaLibFolders());
        return new ArrayList<>(dirs);
    }

    /** nvidia/{cu13,cublas,cu12}/lib under PREFIX/python3.X/{site,dist}-packages. */
    List<Path> pythonNvidiaLibFolders() {
        List<Path> out = new ArrayList<>();
        for (Path prefix : pythonPrefixes) {
            if (!Files.isDirectory(prefix)) {
                continue;
            }
            try (DirectoryStream<Path> pythons = Files.newDirectoryStream(prefix, "python3*")) {
                for (Path py : pythons) {
                    for (String pkgs : List.of("site-packages", "dist-packages")) {
                        for (String sub : List.of("cu13", "cublas", "cu12")) {
                            out.add(py.resolve(pkgs).resolve("nvidia").resolve(sub).resolve("lib"));
                        }
                    }
                }
            } catch (IOException e) {
                // an unreadable prefix is simply not searched
            }
        }
        return out;
    }

    /** The first library file found for {@code soname}. */
    public Optional<Found> find(String soname) {
        String explicit = env.get("JDNA_CUBLAS");
        if (explicit != null && !explicit.isBlank() && Files.isRegularFile(Path.of(explicit))
                && Path.of(explicit).getFileName().toString().startsWith(soname)) {
            return Optional.of(new Found(Path.of(explicit), soname));
        }
        for (Path dir : searchFolders()) {
            Path f = dir.resolve(soname);
            if (Files.isRegularFile(f)) {
                return Optional.of(new Found(f, soname));
            }
        }
        return Optional.empty();
    }

    /** The newest libcublas found, trying {@link #SONAMES} in order. */
    public Optional<Found> findNewest() {
        for (String s : SONAMES) {
            Optional<Found> f = find(s);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    /** "libcublas.so.13 not found in [a, b, ...]" for logs and exceptions. */
    public String notFoundMessage(String soname) {
        List<Path> existing = new ArrayList<>();
        for (Path p : searchFolders()) {
            if (Files.isDirectory(p)) {
                existing.add(p);
            }
        }
        return soname + " not found in the existing folders " + existing
                + " (set JDNA_CUBLAS to the file or add its folder to LD_LIBRARY_PATH)";
    }
}
