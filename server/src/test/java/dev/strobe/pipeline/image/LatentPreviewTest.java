package dev.strobe.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatentPreviewTest {

    private static int[] pixel(float l0, float l1, float l2, float l3) {
        RgbImage img = LatentPreview.render(new float[] {l0, l1, l2, l3}, 0, 1, 1);
        return new int[] {img.channel(0, 0, 0), img.channel(0, 0, 1), img.channel(0, 0, 2)};
    }

    @Test
    void zeroLatentShowsTheBias() {
        // bias (0.1084, -0.0175, -0.0011): (1.1084 / 2) * 255 = 141.32, (0.9825 / 2) * 255 = 125.27,
        // (0.9989 / 2) * 255 = 127.36, truncated.
        int[] p = pixel(0, 0, 0, 0);
        assertEquals(141, p[0]);
        assertEquals(125, p[1]);
        assertEquals(127, p[2]);
    }

    @Test
    void firstChannelFactors() {
        // latent (2, 0, 0, 0): r = 0.7302 + 0.1084 = 0.8386 -> 234.42; g = 0.8464 - 0.0175 = 0.8289
        // -> 233.18; b = 0.8682 - 0.0011 = 0.8671 -> 238.06.
        int[] p = pixel(2, 0, 0, 0);
        assertEquals(234, p[0]);
        assertEquals(233, p[1]);
        assertEquals(238, p[2]);
        // latent (0, 0, 0, 1): r = -0.3165 + 0.1084 = -0.2081 -> 100.97 -> 100 (truncation).
        assertEquals(100, pixel(0, 0, 0, 1)[0]);
    }

    @Test
    void valuesOutsideMinusOneToOneSaturate() {
        int[] bright = pixel(10, 0, 0, 0);
        assertEquals(255, bright[0]);
        assertEquals(255, bright[1]);
        assertEquals(255, bright[2]);
        int[] dark = pixel(-10, 0, 0, 0);
        assertEquals(0, dark[0]);
        assertEquals(0, dark[2]);
        assertEquals(0, LatentPreview.toByte(Float.NaN));
        assertEquals(127, LatentPreview.toByte(0f)); // 127.5 truncated
        assertEquals(254, LatentPreview.toByte(0.999f));
    }

    @Test
    void readsOneChannelMajorSampleFromABatch() {
        // Batch of 2 samples [2, 4, 1, 2]; render the second: pixel 0 has channel 0 = 2, pixel 1 zero.
        float[] batch = new float[16];
        batch[8] = 2f;
        RgbImage img = LatentPreview.render(batch, 8, 1, 2);
        assertEquals(2, img.width());
        assertEquals(1, img.height());
        assertEquals(234, img.channel(0, 0, 0));
        assertEquals(141, img.channel(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LatentPreview.render(batch, 9, 1, 2));
    }
}
