package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.model.ModelManifest;
import dev.strobe.testing.TinyModels;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The contract end to end on the tiny models (ONNX Runtime on the CPU), plus what only real model
 * folders show: ListModels reports each model's manifest and its engine.
 */
abstract class TinyModelsGenerateContractTest extends GenerateContractTest {

    @Test
    void listModelsReportsTheManifestsLimitsAndTheEngine() throws IOException {
        ModelManifest manifest = ModelManifest.read(
                TinyModels.dir().resolve("tiny-lightning-4step").resolve("model.json"));
        ModelInfo four =
                stub().listModels(ListModelsRequest.getDefaultInstance()).getModels(2);
        assertEquals("tiny-lightning-4step", four.getName());
        assertEquals(manifest.resolution.min, four.getMinWidth());
        assertEquals(manifest.resolution.max, four.getMaxWidth());
        assertEquals(manifest.resolution.multiple, four.getSizeMultiple());
        assertEquals(manifest.resolution.defaultWidth, four.getDefaultWidth());
        assertEquals("onnxruntime", four.getEngine());
    }
}
