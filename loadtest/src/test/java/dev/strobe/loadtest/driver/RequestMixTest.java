package dev.strobe.loadtest.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.PreviewFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestMixTest {

    @Test
    void sizesAreDrawnInProportionToTheirWeights() {
        WeightedChoice<WeightedSpec.ImageSize> sizes =
                WeightedSpec.parse(List.of("1024x1024:3", "768x1344:1"), WeightedSpec::parseSize, "size");
        RequestMix mix = new RequestMix(sizes, WeightedChoice.only("m"), List.of("p"), false, 0, 4, 1);
        Random random = new Random(3);
        Map<Integer, Integer> byWidth = new HashMap<>();
        int n = 8000;
        for (int i = 0; i < n; i++) {
            GenerateRequest r = mix.next(random, "id");
            byWidth.merge(r.getWidth(), 1, Integer::sum);
            assertEquals(PreviewFormat.PREVIEW_FORMAT_NONE, r.getPreview().getFormat());
            assertEquals(4, r.getSteps());
            assertTrue(r.hasSeed());
        }
        assertEquals(0.75, byWidth.get(1024) / (double) n, 0.02);
        assertEquals(0.25, byWidth.get(768) / (double) n, 0.02);
    }

    @Test
    void malformedSpecsAreRefusedWithAnExample() {
        LoadConfigurationException size = assertThrows(
                LoadConfigurationException.class,
                () -> WeightedSpec.parse(List.of("1024*1024"), WeightedSpec::parseSize, "size"));
        assertTrue(size.getMessage().contains("WIDTHxHEIGHT"), size.getMessage());
        LoadConfigurationException weight = assertThrows(
                LoadConfigurationException.class,
                () -> WeightedSpec.parse(List.of("1024x1024:lots"), WeightedSpec::parseSize, "size"));
        assertTrue(weight.getMessage().contains("lots"), weight.getMessage());
        assertThrows(
                LoadConfigurationException.class,
                () -> WeightedSpec.parse(List.of("1024x1024:0"), WeightedSpec::parseSize, "size"));
    }
}
