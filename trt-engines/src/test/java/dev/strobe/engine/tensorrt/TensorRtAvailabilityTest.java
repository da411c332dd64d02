package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real JavaCPP load, wherever the tests run. On a machine without a GPU driver or TensorRT (as
 * where this project is built) the answer must be one line naming what is missing, with no
 * exception escaping and no JVM crash. On a GPU host with the libraries the same tests check the
 * other side (versions read, a broken plan refused with TensorRT's words) instead of skipping.
 */
class TensorRtAvailabilityTest {
    @TempDir
    Path dir;

    @Test
    void realProbeGivesOneLineOrTheVersions() {
        TensorRtAvailability real = TensorRtAvailability.javacpp();
        Optional<String> reason = real.check();
        if (reason.isPresent()) {
            String line = reason.get();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.startsWith("TensorRT backend unavailable: "), line);
            if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
                assertTrue(line.contains("libcuda.so.1"), line);
                assertTrue(line.contains("mvn -Ptensorrt-redist package"), line);
                assertTrue(line.contains("LD_LIBRARY_PATH"), line);
            }
        } else {
            NativeVersions v = real.versions().orElseThrow();
            assertEquals(NativeVersions.CUDA_MAJOR, v.runtimeCuda() / 1000, v.describe());
            assertTrue(v.deviceCount() >= 1, v.describe());
        }
    }

    @Test
    void realProviderLoadIsOneCleanErrorNotACrash() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1, 2, 3});
        TensorRtAvailability real = TensorRtAvailability.javacpp();
        TensorRtProvider p = TensorRtProvider.javacpp(real);
        EngineException e = assertThrows(EngineException.class, () -> p.load(plan, Map.of()));
        assertEquals("tensorrt", p.name());
        if (real.check().isPresent()) {
            assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
            assertEquals(real.check().get(), e.getMessage());
        } else { // three bytes are no plan: TensorRT's own words, and the process lives on
            assertEquals(EngineException.Kind.INVALID_MODEL, e.kind(), e.getMessage());
            assertTrue(
                    e.getMessage().startsWith("TensorRT cannot load " + plan + ": deserializeCudaEngine failed"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("no TensorRT error text"), e.getMessage());
        }
    }

    @Test
    void theRealAdapterFailsCleanlyEvenWhenTheProbeIsBypassed() throws Exception {
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1, 2, 3});
        TensorRtProvider p = TensorRtProvider.javacpp(new TensorRtAvailability(() -> {}));
        EngineException e = assertThrows(EngineException.class, () -> p.load(plan, Map.of()));
        if (TensorRtAvailability.javacpp().check().isPresent()) {
            assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
            assertTrue(e.getMessage().startsWith("TensorRT backend unavailable: "), e.getMessage());
        } else {
            assertEquals(EngineException.Kind.INVALID_MODEL, e.kind(), e.getMessage());
        }
    }

    @Test
    void theAnswerIsWorkedOutOnce() {
        AtomicInteger probes = new AtomicInteger();
        TensorRtAvailability a = new TensorRtAvailability(() -> {
            probes.incrementAndGet();
            throw new UnsatisfiedLinkError("j.so: libnvinfer.so.10: cannot open shared object file");
        });
        assertEquals(a.check(), a.check());
        assertEquals(1, probes.get());
        assertTrue(a.check().orElseThrow().contains("libnvinfer.so.10 not found (TensorRT)"));
    }

    @Test
    void versionsAreCheckedDriverFirstThenRuntimeThenGpuThenTensorRt() {
        assertEquals(
                Optional.of("TensorRT backend unavailable: no NVIDIA driver is loaded (cudaDriverGetVersion"
                        + " reports none); install the NVIDIA driver r580 or newer and check that nvidia-smi works"),
                versions(new NativeVersions(0, 13010, "cudaErrorInsufficientDriver", 0, "10.15.1")));
        assertTrue(versions(new NativeVersions(12080, 13010, "cudaSuccess", 1, "10.9.0"))
                .orElseThrow()
                .contains("driver supports CUDA 12.8 only"));
        assertTrue(versions(new NativeVersions(13000, 12090, "cudaSuccess", 1, "10.15.1"))
                .orElseThrow()
                .contains("the CUDA runtime on LD_LIBRARY_PATH is 12.9"));
        assertTrue(versions(new NativeVersions(
                        13000, 13010, "cudaErrorNoDevice (no CUDA-capable device is detected)", 0, "10.15.1"))
                .orElseThrow()
                .contains("no CUDA GPU is visible (cudaGetDeviceCount: cudaErrorNoDevice"));
        assertTrue(versions(new NativeVersions(13000, 13010, "cudaSuccess", 2, "10.9.0"))
                .orElseThrow()
                .contains("TensorRT 10.9.0 is loaded, but strobe's JNI glue is built for TensorRT 10.15"));
        assertEquals(
                Optional.empty(),
                versions(new NativeVersions(13000, 13010, "cudaSuccess", 1, "10.16.1")),
                "a driver for CUDA 13.0 runs the 13.1 runtime (minor version compatibility); a newer 10.x is fine");
    }

    private static Optional<String> versions(NativeVersions v) {
        TensorRtAvailability a = new TensorRtAvailability(() -> {}, () -> v);
        assertEquals(Optional.of(v), a.versions());
        return a.check();
    }

    @Test
    void aProbeThatLoadsMeansAvailable() {
        assertEquals(Optional.empty(), new TensorRtAvailability(() -> {}).check());
    }
}
