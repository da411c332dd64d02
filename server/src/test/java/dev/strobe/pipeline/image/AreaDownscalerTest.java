package dev.strobe.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AreaDownscalerTest {

    private static RgbImage gray(int w, int h, int... values) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < values.length; i++) {
            rgb[i * 3] = (byte) values[i];
            rgb[i * 3 + 1] = (byte) values[i];
            rgb[i * 3 + 2] = (byte) values[i];
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void halvingAveragesTwoByTwoBlocks() {
        RgbImage src = gray(4, 2, 0, 100, 200, 255, 50, 50, 0, 1);
        RgbImage out = AreaDownscaler.resize(src, 2, 1);
        // (0 + 100 + 50 + 50) / 4 = 50; (200 + 255 + 0 + 1) / 4 = 114.
        assertEquals(50, out.channel(0, 0, 0));
        assertEquals(114, out.channel(1, 0, 1));
    }

    @Test
    void fractionalCoverageIsWeightedByArea() {
        // 3 -> 2: output 0 covers source [0, 1.5): 0 * 1 + 90 * 0.5 over 1.5 = 30;
        // output 1 covers [1.5, 3): (90 * 0.5 + 180) / 1.5 = 150.
        RgbImage out = AreaDownscaler.resize(gray(3, 1, 0, 90, 180), 2, 1);
        assertEquals(30, out.channel(0, 0, 2));
        assertEquals(150, out.channel(1, 0, 2));
    }

    @Test
    void fitWithinKeepsAspectAndNeverEnlarges() {
        RgbImage big = new RgbImage(1024, 768, new byte[1024 * 768 * 3]);
        RgbImage fitted = AreaDownscaler.fitWithin(big, 512);
        assertEquals(512, fitted.width());
        assertEquals(384, fitted.height());
        RgbImage tall = new RgbImage(10, 1000, new byte[10 * 1000 * 3]);
        RgbImage thin = AreaDownscaler.fitWithin(tall, 100);
        assertEquals(1, thin.width());
        assertEquals(100, thin.height());
        assertSame(big, AreaDownscaler.fitWithin(big, 2048));
        assertSame(big, AreaDownscaler.fitWithin(big, 0));
        assertThrows(IllegalArgumentException.class, () -> AreaDownscaler.resize(big, 2048, 10));
    }

    @Test
    void uniformImageStaysUniform() {
        byte[] rgb = new byte[7 * 5 * 3];
        java.util.Arrays.fill(rgb, (byte) 201);
        RgbImage out = AreaDownscaler.resize(new RgbImage(7, 5, rgb), 3, 2);
        byte[] expected = new byte[3 * 2 * 3];
        java.util.Arrays.fill(expected, (byte) 201);
        assertArrayEquals(expected, out.rgb());
    }
}
