package dev.strobe.engine.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TrtNativeException;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildEngineMainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<BuildRequest> builds = new ArrayList<>();
    private final TensorRtAvailability available = new TensorRtAvailability(() -> {});

    /** Each instant() is 90 seconds after the previous one. */
    private static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2026-01-02T03:04:05Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant t = now;
            now = now.plusSeconds(90);
            return t;
        }
    }

    private final TrtBuilderAdapter fakeBuilder = request -> {
        builds.add(request);
        try {
            Files.write(request.plan(), new byte[] {42});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new TrtBuilderAdapter.Result(
                "10.15.1",
                "NVIDIA L4",
                "8.9",
                5_100_000_000L,
                List.of(new TrtBuilderAdapter.Io("sample", "kHALF", new long[] {-1, 4, -1, -1})),
                List.of(new TrtBuilderAdapter.Io("out_sample", "kHALF", new long[] {-1, 4, -1, -1})));
    };

    private int run(TensorRtAvailability availability, TrtBuilderAdapter builder, String... args) {
        picocli.CommandLine cl =
                BuildEngineMain.commandLine(new BuildEngineMain(availability, builder, new SteppingClock()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void buildsWritesEngineJsonAndPrintsTrtexecFirst() throws Exception {
        Path onnx = OnnxFixtures.unet(dir, false);
        int code = run(
                available,
                fakeBuilder,
                "--onnx",
                onnx.toString(),
                "--batch",
                "1:4:8",
                "--size",
                "512:1024:1536",
                "--fp16",
                "--opt-level",
                "3",
                "--timing-cache",
                dir.resolve("timing.cache").toString());
        assertEquals(0, code, err.toString());
        String stdout = out.toString();
        assertTrue(stdout.startsWith("equivalent trtexec command:\n  trtexec --onnx="), stdout);
        assertTrue(stdout.contains("--maxShapes=sample:8x4x192x192,timestep:8,"), stdout);
        assertTrue(stdout.contains("wrote " + dir.resolve("engine.plan")), stdout);
        assertEquals(1, builds.size());
        BuildRequest r = builds.get(0);
        assertEquals(dir.resolve("engine.plan"), r.plan());
        assertEquals(Precision.FP16, r.precision());

        EngineMetadata m = EngineMetadata.read(dir.resolve("engine.json"));
        assertEquals("10.15.1", m.tensorrtVersion);
        assertEquals("NVIDIA L4", m.gpuName);
        assertEquals("8.9", m.computeCapability);
        assertEquals("fp16", m.precision);
        assertEquals(3, m.builderOptimizationLevel);
        assertEquals(90.0, m.buildSeconds);
        assertEquals("2026-01-02T03:05:35Z", m.builtAt);
        assertEquals(EngineMetadata.sha256(onnx), m.onnxSha256);
        assertEquals(64, m.onnxSha256.length());
        assertEquals(1, m.profiles.size());
        assertArrayEquals(new long[] {1, 4, 64, 64}, m.profiles.get(0).get("sample").min);
        assertEquals("out_sample", m.outputs.get(0).name);
        assertEquals("engine.plan", m.planFile);
        assertTrue(m.trtexec.startsWith("trtexec --onnx="));
        assertEquals("", err.toString());
    }

    @Test
    void missingTensorRtPrintsTrtexecAndOneLineAndExitsThree() throws Exception {
        Path onnx = OnnxFixtures.unet(dir, true);
        TensorRtAvailability none = new TensorRtAvailability(() -> {
            throw new UnsatisfiedLinkError("j.so: libnvinfer.so.10: cannot open shared object file");
        });
        int code = run(none, fakeBuilder, "--onnx", onnx.toString(), "--batch", "1:2:4", "--size", "1024");
        assertEquals(3, code);
        assertTrue(out.toString().contains("trtexec --onnx="), out.toString());
        assertFalse(out.toString().contains("timestep:"), "a scalar timestep has no shape in the trtexec line");
        String line = err.toString().strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(
                line.startsWith("build-engine: TensorRT backend unavailable: libnvinfer.so.10 not found (TensorRT); "),
                line);
        assertTrue(line.endsWith("; or run the trtexec command above"), line);
        assertTrue(builds.isEmpty());
    }

    /**
     * The real JavaCPP route, wherever this runs: on a machine without TensorRT (as here) one
     * MISSING_LIBRARY line and exit 3; on a GPU host with the libraries a real build of the tiny
     * UNet, so a GPU host checks the build instead of skipping.
     */
    @Test
    void realLibrariesOnThisMachine() throws Exception {
        TensorRtAvailability real = TensorRtAvailability.javacpp();
        java.util.Optional<String> missing = real.check();
        if (missing.isPresent()) {
            Path onnx = OnnxFixtures.unet(dir, false);
            int code = run(
                    real,
                    JavaCppTensorRt.process().newBuilder(),
                    "--onnx",
                    onnx.toString(),
                    "--batch",
                    "1:4:8",
                    "--size",
                    "512:1024:1536",
                    "--fp16");
            assertEquals(3, code, err.toString());
            assertTrue(out.toString().contains("trtexec --onnx="));
            String line = err.toString().strip();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.startsWith("build-engine: TensorRT backend unavailable: "), line);
            assertEquals(
                    missing.get() + "; or run the trtexec command above", line.substring("build-engine: ".length()));
            assertFalse(Files.exists(dir.resolve("engine.plan")));
        } else {
            dev.strobe.tiny.TinyModelSet.writeAll(dir.resolve("models"), 42);
            Path onnx = dir.resolve("models/tiny-lightning-4step/unet/model.onnx");
            int code = run(
                    real,
                    JavaCppTensorRt.process().newBuilder(),
                    "--onnx",
                    onnx.toString(),
                    "--batch",
                    "1:2:4",
                    "--size",
                    "256:512:512");
            assertEquals(0, code, err.toString());
            assertTrue(Files.size(onnx.resolveSibling("engine.plan")) > 0);
            assertTrue(EngineMetadata.read(onnx.resolveSibling("engine.json"))
                    .tensorrtVersion
                    .startsWith("10."));
        }
    }

    @Test
    void textEncodersAndTheVaeBuildWithProfilesForBatchAndSize() throws Exception {
        dev.strobe.tiny.TinyModelSet.writeAll(dir.resolve("models"), 42);
        Path te = dir.resolve("models/tiny-lightning-4step/text_encoder_2/model.onnx");
        assertEquals(
                0,
                run(available, fakeBuilder, "--onnx", te.toString(), "--batch", "1:4:8", "--print-only"),
                err.toString());
        assertTrue(
                out.toString()
                        .contains("--minShapes=input_ids:1x77 --optShapes=input_ids:4x77 --maxShapes=input_ids:8x77"),
                out.toString());
        out.getBuffer().setLength(0);
        Path vae = dir.resolve("models/tiny-lightning-4step/vae_decoder/model.onnx");
        assertEquals(
                0,
                run(
                        available,
                        fakeBuilder,
                        "--onnx",
                        vae.toString(),
                        "--batch",
                        "1:1:4",
                        "--size",
                        "512:1024:1536",
                        "--fp16",
                        "--print-only"),
                err.toString());
        assertTrue(
                out.toString()
                        .contains("--minShapes=latent_sample:1x4x64x64 --optShapes=latent_sample:1x4x128x128"
                                + " --maxShapes=latent_sample:4x4x192x192"),
                out.toString());
        assertTrue(out.toString().contains("the stock SDXL VAE overflows in fp16"), out.toString());
        assertEquals(2, run(available, fakeBuilder, "--onnx", vae.toString(), "--batch", "1:1:4", "--print-only"));
        assertTrue(err.toString().contains("input 'latent_sample' has a dynamic height and width"), err.toString());
    }

    @Test
    void printOnlyNeverBuilds() throws Exception {
        Path onnx = OnnxFixtures.unet(dir, false);
        assertEquals(
                0,
                run(
                        available,
                        fakeBuilder,
                        "--onnx",
                        onnx.toString(),
                        "--print-only",
                        "--profile",
                        "batch=1:1:2,size=512:768:1024",
                        "--profile",
                        "batch=4:8:8,height=1024,width=1024:1280:1536"));
        assertTrue(builds.isEmpty());
        assertEquals(2, out.toString().split("--minShapes=", -1).length - 1, out.toString());
    }

    @Test
    void tensorRtFailureExitsOneWithItsWords() throws Exception {
        Path onnx = OnnxFixtures.unet(dir, false);
        TrtBuilderAdapter failing = request -> {
            throw new TrtNativeException(
                    "the TensorRT ONNX parser rejected model.onnx: Unsupported ONNX data type: UINT8 (node 12 /x Cast)");
        };
        assertEquals(1, run(available, failing, "--onnx", onnx.toString(), "--batch", "1", "--size", "1024"));
        assertTrue(
                err.toString().contains("build-engine: TensorRT build failed: the TensorRT ONNX parser rejected"),
                err.toString());
        assertFalse(Files.exists(dir.resolve("engine.json")));
    }

    @Test
    void badArgumentsExitTwoWithOneLine() throws Exception {
        Path onnx = OnnxFixtures.unet(dir, false);
        String f = onnx.toString();
        assertEquals(
                2,
                run(
                        available,
                        fakeBuilder,
                        "--onnx",
                        f,
                        "--batch",
                        "1",
                        "--size",
                        "1024",
                        "--fp16",
                        "--strongly-typed"));
        assertTrue(err.toString().contains("exclude each other"), err.toString());
        assertEquals(2, run(available, fakeBuilder, "--onnx", f));
        assertTrue(err.toString().contains("say which shapes to build for"), err.toString());
        assertEquals(2, run(available, fakeBuilder, "--onnx", f, "--batch", "1", "--size", "1024", "--opt-level", "9"));
        assertTrue(err.toString().contains("--opt-level must be 0..5"));
        assertEquals(
                2,
                run(
                        available,
                        fakeBuilder,
                        "--onnx",
                        f,
                        "--batch",
                        "1",
                        "--size",
                        "1024",
                        "--profile",
                        "batch=1,size=512"));
        assertTrue(err.toString().contains("not both"));
        assertEquals(2, run(available, fakeBuilder, "--onnx", f, "--bogus"));
        assertTrue(err.toString().contains("build-engine: Unknown option: '--bogus'"), err.toString());
        assertTrue(builds.isEmpty());
    }

    @Test
    void missingOnnxStillPrintsATrtexecLineFromTheSdxlTemplate() {
        assertEquals(
                2,
                run(
                        available,
                        fakeBuilder,
                        "--onnx",
                        dir.resolve("absent.onnx").toString(),
                        "--batch",
                        "1:4:8",
                        "--size",
                        "1024"));
        assertTrue(out.toString().contains("--minShapes=sample:1x4x128x128,timestep:1,"), out.toString());
        assertTrue(out.toString().contains("input shapes assumed"));
        assertTrue(err.toString().contains("ONNX file not found"));
        assertNull(builds.isEmpty() ? null : builds.get(0));
    }
}
