package dev.strobe.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.strobe.pipeline.fidelity.FidelityFixture;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * strobe's final-image conversion against diffusers' {@code VaeImageProcessor.postprocess} (PIL
 * output), from {@code fidelity/images.json.gz} written by {@code reference/fidelity/images.py}:
 * seeded values, the ends of the range, values past them and exact half-way values.
 */
class VaeImageFixtureTest {
    @Test
    void bytesEqualDiffusersPostprocess() {
        FidelityFixture fixture = FidelityFixture.load("images.json.gz");
        int h = fixture.root().get("height").getAsInt();
        int w = fixture.root().get("width").getAsInt();
        float[] decoded = FidelityFixture.floats(fixture.root().get("input").getAsString());
        byte[] expected = Base64.getDecoder().decode(fixture.root().get("rgb").getAsString());
        assertArrayEquals(expected, VaeImage.toRgb(decoded, 0, h, w).rgb(), fixture.source("diffusers"));
    }
}
