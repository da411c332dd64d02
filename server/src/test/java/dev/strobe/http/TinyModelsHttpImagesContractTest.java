package dev.strobe.http;

import dev.strobe.grpc.TestServers;
import dev.strobe.server.ModelSource;
import java.nio.file.Path;

/** The HTTP images contract end to end on two tiny models (ONNX Runtime on the CPU). */
class TinyModelsHttpImagesContractTest extends HttpImagesContractTest {
    @Override
    Path modelsDir() {
        return TestServers.modelsSubset(MODEL, OTHER_MODEL);
    }

    @Override
    ModelSource models() {
        return ModelSource.DISK;
    }
}
