package dev.strobe.http;

import dev.strobe.server.ModelSource;
import dev.strobe.testing.FakeModels;
import java.nio.file.Path;

/** The HTTP images contract on fake pipelines (no model runs). */
class FakePipelineHttpImagesContractTest extends HttpImagesContractTest {
    @Override
    Path modelsDir() {
        return FakeModels.DIR;
    }

    @Override
    ModelSource models() {
        return FakeModels.only(OTHER_MODEL, MODEL);
    }
}
