package dev.strobe.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.TensorSpec;
import dev.strobe.engine.build.BuildEngineMain;
import dev.strobe.engine.onnx.OnnxRuntimeProvider;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.TensorRtProvider;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import dev.strobe.tiny.TinyModelSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The GPU tier, engine level ({@code mvn -B -Pgpu verify}): builds TensorRT plans of the tiny
 * models with optimisation profiles, runs them at several batch sizes and two resolutions, and
 * compares every output with ONNX Runtime on the CPU. Runs only where TensorRT can load; anywhere
 * else it is skipped with one line saying why. Prints one line per call shape and writes them to
 * {@code target/gpu-tier-engines.txt}, which is what a GPU user sends back.
 *
 * <p>Tolerance: max |TensorRT - ONNX Runtime| <= 1e-2 * max(1, max |ONNX Runtime|) per output.
 * The plans are fp32, in which TensorRT may use TF32 tensor-core math (10 mantissa bits, about
 * 1e-3 relative per operation), so exact equality is not expected; 1e-2 leaves room for a few
 * layers of TF32 rounding while catching wrong bindings, shapes or padding, which give O(1) errors.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorRtGpuTierTest {
    static final double TOLERANCE = 1e-2;
    private static final int[] BATCHES = {1, 2, 3, 5, 8};
    private static final int[] SIDES = {512, 768};

    private final List<String> report = new ArrayList<>();
    private Path model;
    private TensorRtProvider trt;

    @BeforeAll
    void buildPlans() throws IOException {
        TensorRtAvailability availability = TensorRtAvailability.javacpp();
        availability.check().ifPresent(reason -> {
            String line = "GPU tier skipped: " + reason;
            System.out.println(line);
            Assumptions.abort(line);
        });
        line("GPU tier on " + availability.versions().orElseThrow().describe());
        Path root = Path.of("target", "gpu-tier").toAbsolutePath();
        TinyModelSet.writeAll(root, TinyModelSet.DEFAULT_SEED);
        model = root.resolve("tiny-lightning-4step");
        build("unet", "--profile", "batch=1:2:4,size=256:512:512", "--profile", "batch=1:4:8,size=512:768:768");
        build("vae_decoder", "--batch", "1:1:4", "--size", "256:512:768");
        build("text_encoder", "--batch", "1:4:8");
        build("text_encoder_2", "--batch", "1:4:8");
        trt = TensorRtProvider.javacpp(availability);
    }

    private void build(String component, String... shapes) {
        List<String> args = new ArrayList<>(
                List.of("--onnx", model.resolve(component + "/model.onnx").toString()));
        args.addAll(List.of(shapes));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = BuildEngineMain.commandLine(new BuildEngineMain(
                TensorRtAvailability.javacpp(), JavaCppTensorRt.process().newBuilder(), Clock.systemUTC()));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.toArray(String[]::new));
        out.toString().lines().filter(l -> l.startsWith("wrote ")).forEach(this::line);
        assertEquals(0, code, component + ": " + err);
    }

    private void line(String s) {
        System.out.println(s);
        report.add(s);
        try {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "gpu-tier-engines.txt"), report);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void unetPlanMatchesOnnxRuntimeAtEveryBatchAndBothSizes() {
        compare("unet", true);
    }

    @Test
    void vaePlanMatchesOnnxRuntime() {
        compare("vae_decoder", true);
    }

    @Test
    void textEncoderPlansMatchOnnxRuntime() {
        compare("text_encoder", false);
        compare("text_encoder_2", false);
    }

    @Test
    void onePlanOneLoggerNoLoggerWarnings() {
        compare("unet", false);
        for (String w : JavaCppTensorRt.process().errors().recentWarnings()) {
            assertTrue(!w.contains("differs from one already provided"), w);
        }
    }

    private void compare(String component, boolean sizes) {
        try (Engine plan = trt.load(model.resolve(component + "/engine.plan"), Map.of());
                Engine cpu = new OnnxRuntimeProvider().load(model.resolve(component + "/model.onnx"), Map.of())) {
            for (int side : sizes ? SIDES : new int[] {0}) {
                for (int b : BATCHES) {
                    if (component.equals("vae_decoder") && b > 4) {
                        continue;
                    }
                    Map<String, Tensor> in = inputs(cpu, b, side / 8);
                    Set<String> wanted = Set.of(cpu.info().outputs().get(0).name());
                    Map<String, Tensor> ref = cpu.run(in, wanted);
                    plan.run(in, wanted); // first call after a shape change
                    long[] ns = new long[5];
                    Map<String, Tensor> got = null;
                    for (int i = 0; i < ns.length; i++) {
                        long t0 = System.nanoTime();
                        got = plan.run(in, wanted);
                        ns[i] = System.nanoTime() - t0;
                    }
                    Arrays.sort(ns);
                    for (String name : wanted) {
                        double err =
                                maxError(ref.get(name).floats(), got.get(name).floats());
                        line(String.format(
                                java.util.Locale.ROOT,
                                "%s batch %d%s: %.2f ms median of 5, max error %.2e" + " (tolerance %.0e)",
                                component,
                                b,
                                sizes ? " at " + side + "x" + side : "",
                                ns[2] / 1e6,
                                err,
                                TOLERANCE));
                        assertTrue(
                                err <= TOLERANCE,
                                component + " " + name + " batch " + b + " side " + side + ": " + err);
                    }
                }
            }
        }
    }

    /** Random inputs for the engine's interface: batch b, latent side h (rank-4 inputs), token ids. */
    private static Map<String, Tensor> inputs(Engine e, int b, int h) {
        Random r = new Random(b * 1000L + h);
        Map<String, Tensor> m = new HashMap<>();
        for (TensorSpec s : e.info().inputs()) {
            long[] shape = s.shape();
            if (shape.length > 0) {
                shape[0] = b;
            }
            if (shape.length == 4) {
                shape[2] = h;
                shape[3] = h;
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = s.name().equals("input_ids") ? 77 : 1;
                }
            }
            int n = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            if (s.dataType().isFloating()) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = s.name().equals("timestep") ? 999 - 250 * r.nextInt(4) : (float) r.nextGaussian();
                }
                m.put(s.name(), Tensor.ofFloats(DataType.FLOAT32, f, shape));
            } else {
                long[] ids = new long[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = i % 77 == 0 ? 49406 : r.nextInt(49406);
                }
                m.put(s.name(), Tensor.ofLongs(s.dataType(), ids, shape));
            }
        }
        return m;
    }

    static double maxError(float[] ref, float[] got) {
        assertEquals(ref.length, got.length);
        double scale = 1;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            err = Math.max(err, Math.abs(ref[i] - got[i]));
        }
        return err / scale;
    }
}
