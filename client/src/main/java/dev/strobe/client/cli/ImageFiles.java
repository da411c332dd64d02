package dev.strobe.client.cli;

import dev.strobe.api.v1.ImageFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names and writes the files of the generate command: final images at {@code -o} (with an
 * {@code -N} suffix, N the image index, when a request makes several images) and previews as
 * {@code DIR/image{i}-step{k}.{jpg|png}}. Stateless apart from the two locations; used on the call's
 * callback thread and the main thread, never both at once.
 */
final class ImageFiles {

    private final Path output;
    private final Path previewDir;

    /**
     * @param output where the final image goes; with several images {@code out.png} becomes
     *     {@code out-0.png}, {@code out-1.png}, ...
     * @param previewDir folder for previews, or null to not save them
     */
    ImageFiles(Path output, Path previewDir) {
        this.output = output;
        this.previewDir = previewDir;
    }

    /** The default output file for a format when {@code -o} is not given. */
    static Path defaultOutput(ImageFormat format) {
        return Path.of("image." + extension(format));
    }

    /** The file extension of a format; UNSPECIFIED means PNG, as in the contract. */
    static String extension(ImageFormat format) {
        return format == ImageFormat.IMAGE_FORMAT_JPEG ? "jpg" : "png";
    }

    boolean savesPreviews() {
        return previewDir != null;
    }

    /** The path of final image {@code index} out of {@code count}. */
    Path imagePath(int index, int count) {
        if (count <= 1) {
            return output;
        }
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return output.resolveSibling(stem + "-" + index + ext);
    }

    /** The path of the preview of image {@code imageIndex} after {@code step}. */
    Path previewPath(int imageIndex, int step, ImageFormat format) {
        return previewDir.resolve("image" + imageIndex + "-step" + step + "." + extension(format));
    }

    /** Writes {@code data} to {@code path}, creating missing parent folders. */
    static void write(Path path, byte[] data) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(path, data);
    }
}
