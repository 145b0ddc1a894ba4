package org.jdna.dna.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jdna.dna.config.RunConfig;
import org.jdna.engine.tensor.Tensor;

/**
 * The checkpoints of one run: {@code <run>/checkpoints/step-00000100/} folders written by
 * {@link Checkpoint#write}, a {@code latest} file naming the newest complete one (replaced
 * atomically after the folder is in place), and pruning of all but the newest {@code keep}.
 * The folder {@code latest} points to is never deleted, so a crash at any moment leaves a loadable checkpoint.
 */
public final class CheckpointStore {
    public static final String LATEST = "latest";
    private static final Pattern CHECKPOINT_FOLDER = Pattern.compile("step-[0-9]+");
    private final Path root;
    private final int keep;

    public CheckpointStore(Path runDir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("CheckpointStore: keep = " + keep + " must be >= 1");
        }
        this.root = runDir.resolve("checkpoints");
        this.keep = keep;
    }

    public Path root() { return root; }

    public static String folderName(long step) {
        return String.format("step-%08d", step);
    }

    /** Writes the checkpoint of {@code state.step()}, points {@code latest} at it, prunes old ones; returns its folder. */
    public Path save(Map<String, Tensor> model, Map<String, Tensor> optimizer, CheckpointState state) {
        Path dir = root.resolve(folderName(state.step()));
        cleanStaleTemporaries();
        Checkpoint.write(dir, model, optimizer, state);
        pointLatestAt(dir.getFileName().toString());
        prune();
        return dir;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        Path pointer = root.resolve(LATEST);
        try {
            if (Files.exists(pointer)) {
                String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
                // Only a folder of this store: a copied run must not send a resume anywhere else.
                if (!CHECKPOINT_FOLDER.matcher(name).matches()) {
                    throw new CorruptCheckpointException(pointer + " holds '" + printable(name) + "', not the name of"
                            + " a checkpoint folder (step-00000100)");
                }
                Path dir = root.resolve(name);
                if (!Files.isDirectory(dir)) {
                    throw new CorruptCheckpointException(pointer + " names " + name + ", which does not exist");
                }
                return Optional.of(dir);
            }
            List<Path> all = checkpoints();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
        } catch (CharacterCodingException e) {
            throw new CorruptCheckpointException(pointer + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pointer, e);
        }
    }

    private static String printable(String s) {
        String shown = s.length() <= 40 ? s : s.substring(0, 40) + "...";
        StringBuilder sb = new StringBuilder();
        shown.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    /** Loads the newest checkpoint, checking its architecture against {@code expected}. */
    public Optional<Checkpoint.Loaded> loadLatest(RunConfig expected) {
        return latest().map(dir -> Checkpoint.load(dir, expected));
    }

    /** Complete checkpoint folders (with a manifest), oldest first. */
    public List<Path> checkpoints() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("step-"))
                    .filter(p -> Files.exists(p.resolve(Checkpoint.MANIFEST))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private void pointLatestAt(String name) {
        try {
            Path tmp = Files.createTempFile(root, Checkpoint.TEMP_PREFIX + LATEST, "");
            Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Checkpoint.forceDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + root.resolve(LATEST), e);
        }
    }

    private void prune() {
        List<Path> all = checkpoints();
        Path current = latest().orElse(null);
        for (int i = 0; i < all.size() - keep; i++) {
            if (!all.get(i).equals(current)) {
                try {
                    Checkpoint.deleteTree(all.get(i));
                } catch (IOException e) {
                    System.err.println("warning: could not delete old checkpoint " + all.get(i) + ": " + e.getMessage());
                }
            }
        }
    }

    /** Removes what a crashed write left behind (temporary and set-aside folders). */
    private void cleanStaleTemporaries() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(Checkpoint.TEMP_PREFIX) || n.startsWith(Checkpoint.OLD_PREFIX)) {
                    Checkpoint.deleteTree(p);
                }
            }
        } catch (IOException e) {
            System.err.println("warning: could not clean temporary files in " + root + ": " + e.getMessage());
        }
    }
}
