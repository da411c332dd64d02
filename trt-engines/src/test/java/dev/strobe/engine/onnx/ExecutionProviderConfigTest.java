package dev.strobe.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.EngineException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionProviderConfigTest {
    @Test
    void cpuIsTheDefaultAndTakesNoProviderOptions() {
        ExecutionProviderConfig c = ExecutionProviderConfig.from(Map.of("fp16", "true"));
        assertEquals(ExecutionProviderConfig.Kind.CPU, c.kind());
        assertTrue(c.cudaOptions().isEmpty());
        assertTrue(c.tensorrtOptions().isEmpty());
    }

    @Test
    void cudaOptionsMapToOrtKeys() {
        ExecutionProviderConfig c = ExecutionProviderConfig.from(Map.of(
                "execution_provider",
                "cuda",
                "device_id",
                "1",
                "gpu_mem_limit_mb",
                "2048",
                "cudnn_conv_algo_search",
                "heuristic",
                "cuda_graph",
                "true",
                "cuda.arena_extend_strategy",
                "kSameAsRequested"));
        assertEquals(ExecutionProviderConfig.Kind.CUDA, c.kind());
        assertEquals(1, c.deviceId());
        assertEquals(
                Map.of(
                        "device_id",
                        "1",
                        "gpu_mem_limit",
                        String.valueOf(2048L << 20),
                        "cudnn_conv_algo_search",
                        "HEURISTIC",
                        "enable_cuda_graph",
                        "1",
                        "arena_extend_strategy",
                        "kSameAsRequested"),
                c.cudaOptions());
        assertTrue(c.tensorrtOptions().isEmpty());
    }

    @Test
    void tensorrtOptionsMapToOrtKeysAndKeepCudaAsFallback() {
        ExecutionProviderConfig c = ExecutionProviderConfig.from(Map.of(
                "execution_provider",
                "TensorRT",
                "fp16",
                "true",
                "trt_engine_cache_path",
                "/models/sdxl/trt-cache",
                "trt_timing_cache_path",
                "/models/sdxl/trt-cache",
                "trt_profile_min_shapes",
                "sample:1x4x64x64,encoder_hidden_states:1x77x2048",
                "trt_profile_opt_shapes",
                "sample:4x4x128x128,encoder_hidden_states:4x77x2048",
                "trt_profile_max_shapes",
                "sample:8x4x192x192, encoder_hidden_states:8x77x2048",
                "trt_builder_optimization_level",
                "5",
                "trt_max_workspace_size_mb",
                "8192",
                "trt.trt_detailed_build_log",
                "1"));
        assertEquals(ExecutionProviderConfig.Kind.TENSORRT, c.kind());
        Map<String, String> t = c.tensorrtOptions();
        assertEquals("1", t.get("trt_fp16_enable"));
        assertEquals("1", t.get("trt_engine_cache_enable"));
        assertEquals("/models/sdxl/trt-cache", t.get("trt_engine_cache_path"));
        assertEquals("1", t.get("trt_timing_cache_enable"));
        assertEquals("sample:8x4x192x192,encoder_hidden_states:8x77x2048", t.get("trt_profile_max_shapes"));
        assertEquals("5", t.get("trt_builder_optimization_level"));
        assertEquals(String.valueOf(8192L << 20), t.get("trt_max_workspace_size"));
        assertEquals("1", t.get("trt_detailed_build_log"));
        assertEquals("0", t.get("device_id"));
        assertEquals("0", c.cudaOptions().get("device_id"));
    }

    @Test
    void badValuesAreInvalidModelWithASentence() {
        assertBad(Map.of("execution_provider", "rocm"), "cpu, cuda or tensorrt");
        assertBad(Map.of("execution_provider", "cuda", "fp16", "true"), "export the ONNX in float16");
        assertBad(Map.of("execution_provider", "tensorrt", "trt_profile_min_shapes", "sample:1x4x64x64"), "all three");
        assertBad(
                Map.of(
                        "execution_provider",
                        "tensorrt",
                        "trt_profile_min_shapes",
                        "sample=1,4",
                        "trt_profile_opt_shapes",
                        "a:1",
                        "trt_profile_max_shapes",
                        "a:1"),
                "trt_profile_min_shapes must look like");
        assertBad(Map.of("execution_provider", "tensorrt", "trt_builder_optimization_level", "7"), "0..5");
        assertBad(Map.of("execution_provider", "cuda", "device_id", "-1"), "device_id");
        assertBad(
                Map.of("execution_provider", "cuda", "cudnn_conv_algo_search", "fast"),
                "exhaustive, heuristic or default");
    }

    private static void assertBad(Map<String, String> options, String fragment) {
        EngineException e = assertThrows(EngineException.class, () -> ExecutionProviderConfig.from(options));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
