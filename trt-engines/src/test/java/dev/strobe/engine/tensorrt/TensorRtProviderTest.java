package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.DataType;
import dev.strobe.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRtProviderTest {
    @TempDir
    Path dir;

    private final TensorRtAvailability available = new TensorRtAvailability(() -> {});

    private FakeTrtAdapter fake() {
        return new FakeTrtAdapter(
                FakeTrtAdapter.unetIo(false, DataType.FLOAT16),
                List.of(FakeTrtAdapter.unetProfile(1, 8, 64, 192, false)));
    }

    @Test
    void loadsAPlanAndAppliesOptions() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        FakeTrtAdapter a = fake();
        TensorRtEngine e = new TensorRtProvider(available, () -> a)
                .load(plan, Map.of("device_id", "1", "max_batch", "4", "preallocate", "false"));
        assertEquals(List.of("deserialize engine.plan device 1"), a.calls("deserialize"));
        assertEquals(4, e.info().maxBatch());
        assertTrue(a.calls("malloc").isEmpty());
    }

    @Test
    void missingLibraryComesFirstWithTheProbeLine() {
        TensorRtAvailability none = new TensorRtAvailability(() -> {
            throw new UnsatisfiedLinkError("j.so: libcuda.so.1: cannot open shared object file");
        });
        EngineException e = assertThrows(
                EngineException.class,
                () -> new TensorRtProvider(none, this::fake).load(dir.resolve("nope.plan"), Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertEquals(none.check().orElseThrow(), e.getMessage());
    }

    @Test
    void missingPlanIsInvalidModel() {
        EngineException e = assertThrows(
                EngineException.class,
                () -> new TensorRtProvider(available, this::fake).load(dir.resolve("engine.plan"), Map.of()));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("build-engine"), e.getMessage());
    }

    @Test
    void deserializeFailureIsInvalidModelWithTensorRtTextAndEngineJson() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        Files.writeString(
                dir.resolve("engine.json"),
                "{\"tensorrt_version\":\"10.13.0\",\"gpu_name\":\"NVIDIA A100\",\"compute_capability\":\"8.0\"}");
        FakeTrtAdapter a = fake().failOn(
                        "deserialize",
                        "deserializeCudaEngine failed: IRuntime::deserializeCudaEngine: Error Code 6: API Usage Error (The engine plan file is not compatible with this version of TensorRT)");
        EngineException e = assertThrows(
                EngineException.class, () -> new TensorRtProvider(available, () -> a).load(plan, Map.of()));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("not compatible with this version of TensorRT"), e.getMessage());
        assertTrue(e.getMessage().contains("built with TensorRT 10.13.0 on NVIDIA A100 compute 8.0"), e.getMessage());
        assertTrue(a.closed, "the adapter is closed after a failed load");
    }

    @Test
    void outOfMemoryWhilePreallocatingFreesWhatWasAllocated() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        FakeTrtAdapter a = fake().failOn(
                        "mallocHost",
                        "cudaMallocHost(1179648 bytes) failed: cudaErrorMemoryAllocation (out of memory)");
        EngineException e = assertThrows(
                EngineException.class, () -> new TensorRtProvider(available, () -> a).load(plan, Map.of()));
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        assertTrue(a.liveBuffers.isEmpty(), "leaked " + a.liveBuffers);
        assertTrue(a.closed);
    }

    @Test
    void aDriverTooOldForCuda13IsReportedAsTheDriverNotAsAnIncompatiblePlan() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        Files.writeString(
                dir.resolve("engine.json"),
                "{\"tensorrt_version\":\"10.15.1\",\"gpu_name\":\"NVIDIA L4\",\"compute_capability\":\"8.9\"}");
        FakeTrtAdapter a = fake().failOn(
                        "deserialize",
                        "cudaSetDevice(0) failed: cudaErrorInsufficientDriver"
                                + " (CUDA driver version is insufficient for CUDA runtime version)");
        EngineException e = assertThrows(
                EngineException.class, () -> new TensorRtProvider(available, () -> a).load(plan, Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("NVIDIA driver"), e.getMessage());
        assertTrue(e.getMessage().contains("r580"), e.getMessage());
        assertTrue(e.getMessage().contains("cudaErrorInsufficientDriver"), e.getMessage());
        assertTrue(!e.getMessage().contains("a plan only loads"), "not blamed on the plan: " + e.getMessage());
        assertTrue(a.closed);
    }

    @Test
    void aDeviceIdThatDoesNotExistIsNamed() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        FakeTrtAdapter a = fake().failOn(
                        "deserialize", "cudaSetDevice(3) failed: cudaErrorInvalidDevice (invalid device ordinal)");
        EngineException e = assertThrows(
                EngineException.class,
                () -> new TensorRtProvider(available, () -> a).load(plan, Map.of("device_id", "3")));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().startsWith("TensorRT cannot use device_id 3 for "), e.getMessage());
    }

    @Test
    void versionsAreCheckedBeforeThePlanIsTouched() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        TensorRtAvailability oldDriver = new TensorRtAvailability(
                () -> {}, () -> new NativeVersions(12020, 13010, "cudaErrorInsufficientDriver", 0, "10.15.1"));
        FakeTrtAdapter a = fake();
        EngineException e = assertThrows(
                EngineException.class, () -> new TensorRtProvider(oldDriver, () -> a).load(plan, Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertEquals(
                "TensorRT backend unavailable: the NVIDIA driver supports CUDA 12.2 only, but strobe's JNI glue"
                        + " uses the CUDA 13.1 runtime (libcudart.so.13); install the NVIDIA driver r580 or newer (nvidia-smi"
                        + " shows the installed driver and its CUDA version)",
                e.getMessage());
        assertTrue(a.calls.isEmpty(), "no native call before the versions fit: " + a.calls);
    }

    @Test
    void badOptionsAreInvalidModel() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1});
        EngineException e = assertThrows(
                EngineException.class,
                () -> new TensorRtProvider(available, this::fake).load(plan, Map.of("cuda_graphs", "sometimes")));
        assertEquals(EngineException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("cuda_graphs"));
    }
}
