package dev.strobe.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of model folders, one per served model, each with a {@code model.json}. Scanning reads
 * and validates manifests only; loading engines is the server's job.
 */
public final class ModelRepository {
    private final Path root;

    public ModelRepository(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A model folder and its manifest. */
    public record Entry(Path dir, ModelManifest manifest) {
        public Path resolve(String relative) {
            Path p = dir.resolve(relative).normalize();
            if (!p.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(relative + " points outside the model folder " + dir);
            }
            return p;
        }
    }

    /**
     * Reads every {@code <root>/<model>/model.json}, sorted by folder name.
     *
     * @throws IOException when the root is unreadable or a manifest is invalid (the message names
     *     the file and every problem)
     */
    public List<Entry> scan() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("model repository " + root + " is not a folder");
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path manifest = dir.resolve(ModelManifest.FILE_NAME);
                if (!Files.isRegularFile(manifest)) {
                    continue;
                }
                ModelManifest m = ModelManifest.read(manifest);
                List<String> problems = m.validate();
                if (!problems.isEmpty()) {
                    throw new IOException(manifest + ": " + String.join("; ", problems));
                }
                out.add(new Entry(dir, m));
            }
        }
        return out;
    }
}
