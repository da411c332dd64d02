package dev.strobe.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VaeImageTest {

    @Test
    void rangeEndsAndMidpoint() {
        assertEquals(0, VaeImage.toByte(-1f));
        assertEquals(255, VaeImage.toByte(1f));
        assertEquals(0, VaeImage.toByte(-3f));
        assertEquals(255, VaeImage.toByte(2.5f));
        // 0 -> 0.5 * 255 = 127.5 -> half to even -> 128.
        assertEquals(128, VaeImage.toByte(0f));
    }

    @Test
    void halfWayValuesRoundToEvenLikeNumpy() {
        // float32 inputs whose (x / 2 + 0.5) * 255 is exactly k + 0.5 in float32 (checked with
        // numpy): 126.5 -> 126 and 200.5 -> 200, where rounding half up would give 127 and 201.
        assertEquals(126, VaeImage.toByte(-0.00784313678741455f));
        assertEquals(200, VaeImage.toByte(0.5725489854812622f));
    }

    @Test
    void nonFiniteValues() {
        assertEquals(0, VaeImage.toByte(Float.NaN));
        assertEquals(255, VaeImage.toByte(Float.POSITIVE_INFINITY));
        assertEquals(0, VaeImage.toByte(Float.NEGATIVE_INFINITY));
        float[] d = {Float.NaN, 0, Float.POSITIVE_INFINITY, 0, 0, 0};
        assertEquals(2, VaeImage.countNonFinite(d, 0, 1, 2));
    }

    @Test
    void planarChannelsBecomeInterleavedPixels() {
        // [3, 1, 2] after one unused value: R plane {-1, 1}, G plane {1, -1}, B plane {0, -1}.
        float[] decoded = {9f, -1f, 1f, 1f, -1f, 0f, -1f};
        RgbImage img = VaeImage.toRgb(decoded, 1, 1, 2);
        assertEquals(2, img.width());
        assertEquals(1, img.height());
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 128, (byte) 255, 0, 0}, img.rgb());
        assertThrows(IllegalArgumentException.class, () -> VaeImage.toRgb(decoded, 2, 1, 2));
    }
}
