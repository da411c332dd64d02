package dev.strobe.pipeline.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimeIdsTest {

    @Test
    void heightWidthZeroZeroHeightWidth() {
        assertArrayEquals(new float[] {1024, 1024, 0, 0, 1024, 1024}, TimeIds.of(1024, 1024));
        assertArrayEquals(new float[] {768, 1344, 0, 0, 768, 1344}, TimeIds.of(768, 1344));
    }

    @Test
    void writesOneRowOfABatch() {
        float[] batch = new float[13];
        batch[12] = 7;
        TimeIds.write(512, 640, batch, 6);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 512, 640, 0, 0, 512, 640, 7}, batch);
        assertThrows(IllegalArgumentException.class, () -> TimeIds.of(0, 512));
    }
}
