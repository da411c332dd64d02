package dev.strobe.pipeline.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG writer for 8-bit RGB: one IDAT chunk, every row filtered with PNG's "Up"
 * predictor (row 0 with "Sub"), compressed by {@link Deflater} at a fast level. ImageIO's PNG
 * writer compresses harder and is several times slower; previews and final images are sent once
 * and thrown away, so speed wins over the last 10-20% of size.
 *
 * <p>Stateless apart from per-call buffers; any thread.
 */
public final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int FILTER_SUB = 1;
    private static final int FILTER_UP = 2;

    private final int level;

    /** Deflate level 1 (fastest). */
    public PngEncoder() {
        this(Deflater.BEST_SPEED);
    }

    /** @param level deflate level 0..9 */
    public PngEncoder(int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("deflate level must be 0..9, got " + level);
        }
        this.level = level;
    }

    public byte[] encode(RgbImage image) {
        byte[] filtered = filter(image);
        ByteArrayOutputStream out = new ByteArrayOutputStream(filtered.length / 3 + 1024);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, image.width());
        putInt(ihdr, 4, image.height());
        ihdr[8] = 8; // bits per channel
        ihdr[9] = 2; // colour type RGB
        // compression 0, filter method 0, no interlace: bytes 10..12 stay 0
        writeChunk(out, "IHDR", ihdr, ihdr.length);
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(filtered);
            deflater.finish();
            byte[] buf = new byte[Math.max(1024, filtered.length / 2)];
            ByteArrayOutputStream idat = new ByteArrayOutputStream(filtered.length / 3 + 64);
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                idat.write(buf, 0, n);
            }
            byte[] data = idat.toByteArray();
            writeChunk(out, "IDAT", data, data.length);
        } finally {
            deflater.end();
        }
        writeChunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    /** Each row: its filter byte, then the filtered bytes. */
    private static byte[] filter(RgbImage image) {
        int stride = image.width() * 3;
        byte[] px = image.rgb();
        byte[] out = new byte[(stride + 1) * image.height()];
        for (int y = 0; y < image.height(); y++) {
            int src = y * stride;
            int dst = y * (stride + 1);
            if (y == 0) {
                out[dst] = FILTER_SUB;
                for (int i = 0; i < stride; i++) {
                    int left = i >= 3 ? px[src + i - 3] : 0;
                    out[dst + 1 + i] = (byte) (px[src + i] - left);
                }
            } else {
                out[dst] = FILTER_UP;
                int up = src - stride;
                for (int i = 0; i < stride; i++) {
                    out[dst + 1 + i] = (byte) (px[src + i] - px[up + i]);
                }
            }
        }
        return out;
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] header = new byte[8];
        putInt(header, 0, length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(typeBytes, 0, header, 4, 4);
        out.write(header, 0, 8);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.write(crcBytes, 0, 4);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
