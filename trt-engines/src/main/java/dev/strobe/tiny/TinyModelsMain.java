package dev.strobe.tiny;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line: writes strobe's tiny SDXL-Lightning model set into a model repository folder.
 * Exit code 0 on success, 1 when writing fails, 2 when the folders exist and --force is missing
 * (picocli's usage errors also exit with 2).
 */
@Command(
        name = "strobe-tiny-models",
        mixinStandardHelpOptions = true,
        description = "Writes the tiny SDXL-Lightning stand-in models (1, 2, 4 and 8 steps) into a model"
                + " repository folder, deterministically from a seed.")
public final class TinyModelsMain implements Callable<Integer> {
    @Option(
            names = "--out",
            defaultValue = "models",
            description = "Model repository folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Replace model folders that exist already.")
    boolean force;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TinyModelsMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        List<Path> existing =
                TinyModelSet.folders(out).stream().filter(Files::exists).toList();
        if (!existing.isEmpty() && !force) {
            stderr.println("error: " + existing.get(0) + " exists already; pass --force to replace the tiny models");
            return 2;
        }
        try {
            long start = System.nanoTime();
            for (Path dir : TinyModelSet.writeAll(out, seed)) {
                stdout.printf(Locale.ROOT, "wrote %s (%.1f MB)%n", dir, TinyModelSet.sizeOf(dir) / 1e6);
            }
            stdout.printf(Locale.ROOT, "tiny models from seed %d in %.1f s%n", seed, (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (IOException | UncheckedIOException e) {
            stderr.println("error: cannot write the tiny models to " + out + ": " + describe(e));
            return 1;
        }
    }

    /** One readable line for an I/O failure (Java names some only by the path and the class). */
    private String describe(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof FileSystemException f) {
            String reason = f.getReason() != null
                    ? f.getReason()
                    : switch (t.getClass().getSimpleName()) {
                        case "AccessDeniedException" -> "permission denied";
                        case "NoSuchFileException" -> "no such file or folder";
                        case "FileAlreadyExistsException" -> "exists and is not a folder";
                        case "NotDirectoryException" -> "is not a folder";
                        case "DirectoryNotEmptyException" -> "folder is not empty";
                        default -> t.getClass().getSimpleName();
                    };
            return out.toString().equals(f.getFile()) ? reason : f.getFile() + ": " + reason;
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
