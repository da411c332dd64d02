package dev.strobe.pipeline.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns an {@link RgbImage} into PNG or JPEG bytes, first shrinking it (area averaging, never
 * enlarging) so its longest side is at most {@code maxSide}. PNG uses strobe's fast
 * {@link PngEncoder}; JPEG uses the JDK's baseline encoder at the requested quality.
 *
 * <p>Immutable; any thread (each call has its own writer).
 */
public final class ImageEncoder {
    public static final int DEFAULT_JPEG_QUALITY = 90;

    /** Output formats. */
    public enum Format {
        PNG,
        JPEG;

        /** Parses "png", "jpeg" or "jpg" (case-insensitive). */
        public static Format parse(String s) {
            String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "png" -> PNG;
                case "jpeg", "jpg" -> JPEG;
                default -> throw new IllegalArgumentException("image format must be png or jpeg, got \"" + s + "\"");
            };
        }

        public String mimeType() {
            return this == PNG ? "image/png" : "image/jpeg";
        }
    }

    private final PngEncoder png;

    public ImageEncoder() {
        this(new PngEncoder());
    }

    public ImageEncoder(PngEncoder png) {
        this.png = png;
    }

    /**
     * @param quality JPEG quality 1..100 (ignored for PNG)
     * @param maxSide longest side of the output; 0 or less keeps the size
     */
    public byte[] encode(RgbImage image, Format format, int quality, int maxSide) {
        RgbImage fitted = AreaDownscaler.fitWithin(image, maxSide);
        return switch (format) {
            case PNG -> png.encode(fitted);
            case JPEG -> jpeg(fitted, quality);
        };
    }

    public byte[] png(RgbImage image) {
        return png.encode(image);
    }

    /** Baseline JPEG (4:2:0, JFIF) at {@code quality} 1..100. */
    public byte[] jpeg(RgbImage image, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no JPEG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.rgb().length / 8 + 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(buffered, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
