package dev.strobe.tiny;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded model set: tiny-lightning-1step, -2step, -4step and -8step, written side by side
 * into a model repository folder. Used by {@link TinyModelsMain} and by tests that need a
 * repository. Stateless.
 */
public final class TinyModelSet {
    public static final long DEFAULT_SEED = 42;

    private TinyModelSet() {}

    /** The folders {@link #writeAll} writes under {@code repoRoot}, in order. */
    public static List<Path> folders(Path repoRoot) {
        List<Path> out = new ArrayList<>();
        for (TinyModelSpec spec : TinyModelSpec.all()) {
            out.add(repoRoot.resolve(spec.name()));
        }
        return out;
    }

    /**
     * Writes the four model folders under {@code repoRoot} (created if missing), replacing any
     * existing folder of the same name. Each folder is written next to its final place and then
     * renamed, so a reader never sees a half-written model.
     *
     * @return the folders written, in the order of {@link TinyModelSpec#all()}
     * @throws IOException when a folder cannot be written or replaced
     */
    public static List<Path> writeAll(Path repoRoot, long seed) throws IOException {
        Files.createDirectories(repoRoot);
        TinyModelGenerator generator = TinyModelGenerator.forSeed(seed);
        List<Path> written = new ArrayList<>();
        for (TinyModelSpec spec : TinyModelSpec.all()) {
            Path target = repoRoot.resolve(spec.name());
            Path staging = repoRoot.resolve("." + spec.name() + ".partial");
            deleteTree(staging);
            generator.generate(staging, spec);
            deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            written.add(target);
        }
        return written;
    }

    /** Total size in bytes of the regular files under {@code folder}. */
    public static long sizeOf(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
