package dev.strobe.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtProvider;
import dev.strobe.engine.EngineException;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The default build carries the CPU-only onnxruntime jar: asking for a GPU provider must fail with
 * one MISSING_LIBRARY line (this is the real behaviour here, through ONNX Runtime itself).
 */
class GpuProviderOnCpuJarTest {
    @Test
    void cudaOnTheCpuJarIsMissingLibrary() {
        Assumptions.assumeFalse(OrtProviderErrors.available().contains(OrtProvider.CUDA), "GPU jar on the classpath");
        EngineException e = assertThrows(
                EngineException.class, () -> SessionOptionsFactory.create(Map.of("execution_provider", "cuda")));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "ONNX Runtime cannot use the cuda execution provider: this build has the CPU-only onnxruntime jar"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mvn -Ponnxruntime_gpu package"));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void tensorrtOnTheCpuJarIsMissingLibrary() {
        Assumptions.assumeFalse(
                OrtProviderErrors.available().contains(OrtProvider.TENSOR_RT), "GPU jar on the classpath");
        EngineException e = assertThrows(
                EngineException.class,
                () -> SessionOptionsFactory.create(Map.of("execution_provider", "tensorrt", "fp16", "true")));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(e.getMessage().contains("tensorrt execution provider"), e.getMessage());
    }

    @Test
    void onTheGpuJarAMissingCudaLibraryIsNamed() {
        EngineException e = OrtProviderErrors.map(
                ExecutionProviderConfig.Kind.CUDA,
                "Error code - ORT_RUNTIME_EXCEPTION - message: Failed to load library libonnxruntime_providers_cuda.so"
                        + " with error: libcublasLt.so.12: cannot open shared object file: No such file or directory",
                EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "ONNX Runtime cannot use the cuda execution provider: libcublasLt.so.12 not found;"),
                e.getMessage());
    }

    @Test
    void onTheGpuJarARejectedOptionIsInvalidModel() {
        EngineException e = OrtProviderErrors.map(
                ExecutionProviderConfig.Kind.TENSORRT,
                "Error code - ORT_INVALID_ARGUMENT - message: [ERROR] [TensorRT EP] trt_bogus is not a valid option",
                EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("trt_bogus"));
    }

    @Test
    void aGpuThatCannotStartAtSessionCreationIsMissingLibrary() {
        ExecutionProviderConfig cuda =
                ExecutionProviderConfig.from(Map.of("execution_provider", "cuda", "device_id", "1"));
        EngineException e = OrtProviderErrors.atSessionCreation(
                        cuda,
                        "Error code - ORT_RUNTIME_EXCEPTION - message: CUDA failure 100: no CUDA-capable device is detected ;"
                                + " GPU=0 ; hostname=h ; file=cuda_call.cc ; line=123")
                .orElseThrow();
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(
                e.getMessage().startsWith("ONNX Runtime's cuda execution provider could not start on device 1: "),
                e.getMessage());
        assertTrue(OrtProviderErrors.atSessionCreation(cuda, "Load model from x failed: Protobuf parsing failed")
                .isEmpty());
        assertTrue(
                OrtProviderErrors.atSessionCreation(
                                ExecutionProviderConfig.from(Map.of()), "no CUDA-capable device is detected")
                        .isEmpty(),
                "a CPU session is never a GPU problem");
    }

    @Test
    void cpuStillWorks() throws Exception {
        try (var so = SessionOptionsFactory.create(Map.of("intra_op_threads", "1"))) {
            assertTrue(so != null);
        }
    }
}
