package org.jdna.dna.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a fetch tool (npm, apt-get, dpkg) with a time limit; every failure becomes a {@link DataUnavailableException} saying why. */
final class ExternalCommand {
    private ExternalCommand() {}

    /** Runs {@code command} in {@code workDir}; returns its combined output. */
    static String run(List<String> command, Path workDir, long timeoutSeconds) {
        String tool = command.getFirst();
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new DataUnavailableException(Path.of(tool).getFileName() + " not found");
        }
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process died; its exit status tells the story
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DataUnavailableException(String.join(" ", command) + " timed out after " + timeoutSeconds
                        + " s (no network?)");
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataUnavailableException(String.join(" ", command) + " was interrupted");
        }
        if (p.exitValue() != 0) {
            throw new DataUnavailableException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                    + lastLines(out.toString(), 3));
        }
        return out.toString();
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
