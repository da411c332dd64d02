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
     * Reads every {@code <root>/<model>/model.json}, sorted by folder name; folders without one are skipped.
     *
     * @throws IOException when the root is unreadable or a manifest is invalid (the message names
     *     the file and every problem)
     */
    public List<Entry> scan() throws IOException {
        Scan s = scanAll();
        for (Unreadable u : s.unreadable()) {
            if (Files.exists(u.dir().resolve(ModelManifest.FILE_NAME))) {
                throw new IOException(u.problem());
            }
        }
        return s.entries();
    }

    /** A model folder whose {@code model.json} is missing, unreadable or invalid, and why (one sentence). */
    public record Unreadable(Path dir, String problem) {}

    /** The folders of a scan: those with a usable manifest, and those that look like models but are not usable. */
    public record Scan(List<Entry> entries, List<Unreadable> unreadable) {}

    /**
     * Reads every {@code <root>/<model>/model.json}, sorted by folder name, keeping going past a
     * bad one: a folder with an unreadable or invalid manifest, or one that holds an export
     * (optimum's {@code model_index.json} or a {@code unet/} folder) but no {@code model.json}, is
     * listed as unreadable with the reason. Other folders (no manifest, nothing model-like) are
     * not models and are skipped.
     *
     * @throws IOException when the root itself is not a readable folder
     */
    public Scan scanAll() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("model repository " + root + " is not a folder");
        }
        List<Entry> out = new ArrayList<>();
        List<Unreadable> bad = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path manifest = dir.resolve(ModelManifest.FILE_NAME);
                if (!Files.exists(manifest)) {
                    if (Files.isRegularFile(dir.resolve("model_index.json"))
                            || Files.isDirectory(dir.resolve(ModelManifest.UNET))) {
                        bad.add(new Unreadable(
                                dir,
                                "model folder " + dir + ": " + ModelManifest.FILE_NAME
                                        + " is missing, and strobe reads a model through it; for an optimum export,"
                                        + " write it with `./strobe import-optimum " + dir + "`"));
                    }
                    continue;
                }
                ModelManifest m;
                try {
                    m = ModelManifest.read(manifest);
                } catch (IOException | RuntimeException e) {
                    bad.add(new Unreadable(dir, "model folder " + dir + ": " + oneLine(e.getMessage(), manifest)));
                    continue;
                }
                List<String> problems = m.validate();
                if (!problems.isEmpty()) {
                    bad.add(new Unreadable(
                            dir,
                            "model folder " + dir + ": " + ModelManifest.FILE_NAME + " is invalid: "
                                    + String.join("; ", problems)));
                    continue;
                }
                out.add(new Entry(dir, m));
            }
        }
        return new Scan(out, bad);
    }

    /** A reader's message on one line, naming the manifest by its name in the folder. */
    private static String oneLine(String message, Path manifest) {
        String m =
                message == null ? "it cannot be read" : message.replace(manifest.toString(), ModelManifest.FILE_NAME);
        int nl = m.indexOf('\n');
        m = (nl >= 0 ? m.substring(0, nl) : m).strip();
        return m.startsWith(ModelManifest.FILE_NAME) ? m : ModelManifest.FILE_NAME + ": " + m;
    }
}
