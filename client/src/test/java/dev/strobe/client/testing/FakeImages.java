package dev.strobe.client.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small real PNG and JPEG images for fake servers, so clients can check signatures and decode them. */
public final class FakeImages {

    private FakeImages() {}

    /** A {@code width x height} image encoded as {@code format} ("png" or "jpg"), shaded by {@code level}. */
    public static byte[] encode(int width, int height, String format, float level) {
        BufferedImage image = new BufferedImage(Math.max(width, 1), Math.max(height, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            float v = Math.max(0f, Math.min(1f, level));
            g.setColor(new Color(v, 0.4f, 1f - v));
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.WHITE);
            g.drawLine(0, 0, image.getWidth() - 1, image.getHeight() - 1);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
