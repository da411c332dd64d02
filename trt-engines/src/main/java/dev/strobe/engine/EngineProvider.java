package dev.strobe.engine;

import java.nio.file.Path;
import java.util.Map;

/** A backend that loads model components: ONNX Runtime, TensorRT, ... */
public interface EngineProvider {

    /** The name used in model manifests and on the command line, e.g. "onnxruntime". */
    String name();

    /**
     * Loads one component.
     *
     * @param file the model file (an .onnx file, a TensorRT plan, ...)
     * @param options backend options from the model manifest (threads, precision, max batch, ...)
     * @throws EngineException of kind MISSING_LIBRARY when the backend cannot run on this machine
     */
    Engine load(Path file, Map<String, String> options);
}
