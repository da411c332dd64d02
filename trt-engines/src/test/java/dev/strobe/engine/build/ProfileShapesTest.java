package dev.strobe.engine.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.tensorrt.ShapeRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileShapesTest {
    private static final ProfileShapes.Dims SDXL = ProfileShapes.Dims.sdxl(4);

    @Test
    void sdxlUnetShapesFromBatchAndSize() {
        BuildProfile p = BuildProfile.of("1:4:8", "512:1024:1536", null, null, "test");
        Map<String, ShapeRange> s = ProfileShapes.of(p, ProfileShapes.sdxlUnet(false), SDXL);
        assertEquals(
                List.of("sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"),
                List.copyOf(s.keySet()));
        assertArrayEquals(new long[] {1, 4, 64, 64}, s.get("sample").min());
        assertArrayEquals(new long[] {4, 4, 128, 128}, s.get("sample").opt());
        assertArrayEquals(new long[] {8, 4, 192, 192}, s.get("sample").max());
        assertArrayEquals(new long[] {8}, s.get("timestep").max());
        assertArrayEquals(
                new long[] {1, 77, 2048}, s.get("encoder_hidden_states").min());
        assertArrayEquals(new long[] {8, 1280}, s.get("text_embeds").max());
        assertArrayEquals(new long[] {4, 6}, s.get("time_ids").opt());
    }

    @Test
    void nonSquareRangesAndScalarTimestep() {
        BuildProfile p = BuildProfile.of("2", null, "768:768:1024", "1024:1344:1536", "test");
        Map<String, ShapeRange> s = ProfileShapes.of(p, ProfileShapes.sdxlUnet(true), SDXL);
        assertFalse(s.containsKey("timestep"), "a scalar input has no profile shape");
        assertArrayEquals(new long[] {2, 4, 96, 128}, s.get("sample").min());
        assertArrayEquals(new long[] {2, 4, 96, 168}, s.get("sample").opt());
        assertArrayEquals(new long[] {2, 4, 128, 192}, s.get("sample").max());
    }

    @Test
    void staticOnnxDimensionsWinAndUnknownDynamicOnesAreRefused() {
        BuildProfile p = BuildProfile.of("1:1:2", "512", null, null, "test");
        Map<String, ShapeRange> vae = ProfileShapes.of(
                p, List.of(new OnnxInputs.Input("latent_sample", "float32", new long[] {-1, 4, -1, -1})), SDXL);
        assertArrayEquals(new long[] {2, 4, 64, 64}, vae.get("latent_sample").max());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ProfileShapes.of(
                        p, List.of(new OnnxInputs.Input("mystery", "float32", new long[] {-1, -1})), SDXL));
        assertTrue(e.getMessage().contains("'mystery' dimension 1 is dynamic"), e.getMessage());
    }

    @Test
    void pixelSizesMustDivideByTheVaeScale() {
        BuildProfile p = BuildProfile.of("1", "500:512:512", null, null, "test");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ProfileShapes.of(p, ProfileShapes.sdxlUnet(false), SDXL));
        assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
    }
}
