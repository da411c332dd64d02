package dev.strobe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strobe.api.v1.ImageFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageFilesTest {

    private final ImageFiles files = new ImageFiles(Path.of("out", "fox.png"), Path.of("prev"));

    @Test
    void oneImageKeepsTheGivenName() {
        assertEquals(Path.of("out", "fox.png"), files.imagePath(0, 1));
    }

    @Test
    void severalImagesGetTheIndexBeforeTheExtension() {
        assertEquals(Path.of("out", "fox-0.png"), files.imagePath(0, 3));
        assertEquals(Path.of("out", "fox-2.png"), files.imagePath(2, 3));
        assertEquals(Path.of("noext-1"), new ImageFiles(Path.of("noext"), null).imagePath(1, 2));
    }

    @Test
    void previewsAreNamedByImageStepAndFormat() {
        assertEquals(Path.of("prev", "image0-step3.jpg"), files.previewPath(0, 3, ImageFormat.IMAGE_FORMAT_JPEG));
        assertEquals(Path.of("prev", "image1-step1.png"), files.previewPath(1, 1, ImageFormat.IMAGE_FORMAT_PNG));
    }

    @Test
    void theDefaultOutputFollowsTheFormat() {
        assertEquals(Path.of("image.png"), ImageFiles.defaultOutput(ImageFormat.IMAGE_FORMAT_UNSPECIFIED));
        assertEquals(Path.of("image.jpg"), ImageFiles.defaultOutput(ImageFormat.IMAGE_FORMAT_JPEG));
    }
}
