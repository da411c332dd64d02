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
 * The real JavaCPP load on this machine, which has neither a GPU driver nor TensorRT: the answer
 * must be one line naming what is missing, with no exception escaping and no JVM crash.
 */
class TensorRtAvailabilityTest {
    @TempDir
    Path dir;

    private static boolean machineHasNvidiaDriver() {
        return Files.exists(Path.of("/proc/driver/nvidia/version"));
    }

    @Test
    void realProbeOnAMachineWithoutTensorRtGivesOneLine() {
        org.junit.jupiter.api.Assumptions.assumeFalse(machineHasNvidiaDriver(), "this checks machines without an NVIDIA driver");
        Optional<String> reason = TensorRtAvailability.javacpp().check();
        assertTrue(reason.isPresent());
        String line = reason.get();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith("TensorRT backend unavailable: "), line);
        assertTrue(line.contains("libcuda.so.1"), line);
        assertTrue(line.contains("mvn -Ptensorrt-redist package"), line);
        assertTrue(line.contains("LD_LIBRARY_PATH"), line);
    }

    @Test
    void realProviderLoadIsMissingLibraryNotACrash() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(machineHasNvidiaDriver(), "this checks machines without an NVIDIA driver");
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1, 2, 3});
        TensorRtProvider p = TensorRtProvider.javacpp(TensorRtAvailability.javacpp());
        EngineException e = assertThrows(EngineException.class, () -> p.load(plan, Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(e.getMessage().contains("libcuda.so.1"), e.getMessage());
        assertEquals("tensorrt", p.name());
    }

    @Test
    void theRealAdapterFailsCleanlyEvenWhenTheProbeIsBypassed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(machineHasNvidiaDriver(), "this checks machines without an NVIDIA driver");
        Path plan = Files.write(dir.resolve("engine.plan"), new byte[] {1, 2, 3});
        TensorRtProvider p = TensorRtProvider.javacpp(new TensorRtAvailability(() -> { }));
        EngineException e = assertThrows(EngineException.class, () -> p.load(plan, Map.of()));
        assertEquals(EngineException.Kind.MISSING_LIBRARY, e.kind());
        assertTrue(e.getMessage().startsWith("TensorRT backend unavailable: "), e.getMessage());
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
    void aProbeThatLoadsMeansAvailable() {
        assertEquals(Optional.empty(), new TensorRtAvailability(() -> { }).check());
    }
}
