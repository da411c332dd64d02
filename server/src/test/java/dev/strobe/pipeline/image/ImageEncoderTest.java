package dev.strobe.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {
    private final ImageEncoder encoder = new ImageEncoder();

    /** A smooth gradient with a little noise, like a photo. */
    private static RgbImage sample(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        Random r = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (x * 255 / Math.max(1, w - 1));
                rgb[i + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                rgb[i + 2] = (byte) (128 + r.nextInt(16));
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static BufferedImage decode(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void pngRoundTripsEveryPixel() throws Exception {
        RgbImage img = sample(67, 41);
        byte[] png = encoder.encode(img, ImageEncoder.Format.PNG, 0, 0);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        BufferedImage back = decode(png);
        assertEquals(67, back.getWidth());
        assertEquals(41, back.getHeight());
        for (int y = 0; y < 41; y++) {
            for (int x = 0; x < 67; x++) {
                int argb = back.getRGB(x, y);
                assertEquals(img.channel(x, y, 0), (argb >> 16) & 0xff);
                assertEquals(img.channel(x, y, 1), (argb >> 8) & 0xff);
                assertEquals(img.channel(x, y, 2), argb & 0xff);
            }
        }
    }

    @Test
    void largeNoisyPngSpansManyBandsAndIdatChunks() throws Exception {
        int w = 700;
        int h = 500;
        byte[] rgb = new byte[w * h * 3];
        new Random(5).nextBytes(rgb); // incompressible: well over one 128 KiB IDAT chunk
        RgbImage img = new RgbImage(w, h, rgb);
        byte[] png = encoder.png(img);
        assertTrue(png.length > 3 * 128 * 1024);
        BufferedImage back = decode(png);
        for (int y = 0; y < h; y += 37) {
            for (int x = 0; x < w; x += 53) {
                int argb = back.getRGB(x, y);
                assertEquals(img.channel(x, y, 0), (argb >> 16) & 0xff);
                assertEquals(img.channel(x, y, 2), argb & 0xff);
            }
        }
        assertEquals(img.channel(w - 1, h - 1, 1), (back.getRGB(w - 1, h - 1) >> 8) & 0xff);
    }

    @Test
    void everyDeflateLevelDecodes() throws Exception {
        RgbImage img = sample(16, 9);
        for (int level = 0; level <= 9; level++) {
            BufferedImage back = decode(new PngEncoder(level).encode(img));
            assertEquals(img.channel(15, 8, 0), (back.getRGB(15, 8) >> 16) & 0xff);
        }
        assertThrows(IllegalArgumentException.class, () -> new PngEncoder(10));
    }

    @Test
    void jpegDecodesCloseToTheSourceAndQualityTradesSize() throws Exception {
        RgbImage img = sample(128, 96);
        byte[] high = encoder.encode(img, ImageEncoder.Format.JPEG, 95, 0);
        byte[] low = encoder.encode(img, ImageEncoder.Format.JPEG, 30, 0);
        assertTrue(high.length > low.length);
        BufferedImage back = decode(high);
        assertEquals(128, back.getWidth());
        int argb = back.getRGB(64, 48);
        assertTrue(Math.abs(((argb >> 16) & 0xff) - img.channel(64, 48, 0)) <= 8);
        assertThrows(IllegalArgumentException.class, () -> encoder.jpeg(img, 0));
        assertThrows(IllegalArgumentException.class, () -> encoder.jpeg(img, 101));
    }

    @Test
    void maxSideShrinksBeforeEncoding() throws Exception {
        RgbImage img = sample(300, 200);
        BufferedImage png = decode(encoder.encode(img, ImageEncoder.Format.PNG, 0, 150));
        assertEquals(150, png.getWidth());
        assertEquals(100, png.getHeight());
        BufferedImage jpeg =
                decode(encoder.encode(img, ImageEncoder.Format.JPEG, ImageEncoder.DEFAULT_JPEG_QUALITY, 1000));
        assertEquals(300, jpeg.getWidth());
    }

    @Test
    void formatNames() {
        assertEquals(ImageEncoder.Format.JPEG, ImageEncoder.Format.parse("JPG"));
        assertEquals(ImageEncoder.Format.PNG, ImageEncoder.Format.parse("png"));
        assertEquals("image/jpeg", ImageEncoder.Format.JPEG.mimeType());
        assertThrows(IllegalArgumentException.class, () -> ImageEncoder.Format.parse("gif"));
    }

    @Test
    void rgbImageChecksItsSize() {
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(0, 2, new byte[0]));
    }
}
