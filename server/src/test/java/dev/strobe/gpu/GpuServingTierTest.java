package dev.strobe.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.engine.build.BuildEngineMain;
import dev.strobe.engine.tensorrt.TensorRtAvailability;
import dev.strobe.engine.tensorrt.javacpp.JavaCppTensorRt;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.model.ModelManifest;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.tiny.TinyModelSet;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GPU tier, serving ({@code mvn -B -Pgpu verify}): the tiny 4-step model with every component
 * a TensorRT plan, served over gRPC (Netty, port 0), generates the same image as the same model on
 * ONNX Runtime CPU, at two sizes and with several requests in flight (UNet batches above 1). Runs
 * only where TensorRT can load, elsewhere skipped with one line. Prints the step times the server
 * reports and writes them to {@code target/gpu-tier-serving.txt}.
 *
 * <p>Tolerance: every pixel within 8/255 of the CPU image (fp32 plans with TF32 math; the tiny
 * models' images are smooth colour fields, so a wrong binding or padding moves pixels by far more).
 */
@Tag("gpu")
class GpuServingTierTest {
    private static final int PIXEL_TOLERANCE = 8;
    private final List<String> report = new ArrayList<>();

    @Test
    void allTensorRtModelServesOverGrpcAndMatchesOnnxRuntime() throws Exception {
        TensorRtAvailability availability = TensorRtAvailability.javacpp();
        availability.check().ifPresent(reason -> {
            String line = "GPU tier skipped: " + reason;
            System.out.println(line);
            Assumptions.abort(line);
        });
        line("GPU tier (serving) on " + availability.versions().orElseThrow().describe());
        Path root = Path.of("target", "gpu-tier").toAbsolutePath();
        Path cpuRepo = root.resolve("cpu");
        Path trtRepo = root.resolve("trt");
        TinyModelSet.writeAll(cpuRepo, TinyModelSet.DEFAULT_SEED);
        Path src = cpuRepo.resolve("tiny-lightning-4step");
        Path model = trtRepo.resolve("tiny-lightning-4step");
        copy(src, model);
        for (String[] c : new String[][] {
            {"unet", "--profile", "batch=1:2:4,size=256:512:512", "--profile", "batch=1:4:8,size=512:768:768"},
            {"vae_decoder", "--batch", "1:1:4", "--size", "256:512:768"},
            {"text_encoder", "--batch", "1:4:8"},
            {"text_encoder_2", "--batch", "1:4:8"}
        }) {
            build(model.resolve(c[0] + "/model.onnx"), java.util.Arrays.copyOfRange(c, 1, c.length));
        }
        ModelManifest m = ModelManifest.read(model.resolve("model.json"));
        m.resolution.max = 768;
        for (ModelManifest.ComponentSpec spec : m.components.values()) {
            spec.file = spec.file.replace("model.onnx", "engine.plan");
            spec.engine = "tensorrt";
            spec.options.clear();
        }
        m.write(model.resolve("model.json"));
        // only the 4-step model in each repository
        for (Path dir : List.of(cpuRepo, trtRepo)) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().equals("tiny-lightning-4step")) {
                        deleteTree(p);
                    }
                }
            }
        }
        try (StrobeServer cpu = StrobeServer.start(
                        ServerSettings.forModels(cpuRepo, 0).toBuilder()
                                .warmup(false)
                                .build(),
                        GrpcTransport.netty());
                StrobeServer gpu = StrobeServer.start(ServerSettings.forModels(trtRepo, 0), GrpcTransport.netty())) {
            for (int side : new int[] {512, 768}) {
                List<BufferedImage> want = generate(cpu.port(), side, 1);
                List<BufferedImage> got = generate(gpu.port(), side, 4); // four in flight: UNet batches of 4
                for (BufferedImage g : got) {
                    int diff = maxPixelDiff(want.get(0), g);
                    line(String.format(
                            Locale.ROOT,
                            "%dx%d: max pixel difference to ONNX Runtime CPU %d/255 (tolerance %d)",
                            side,
                            side,
                            diff,
                            PIXEL_TOLERANCE));
                    assertTrue(diff <= PIXEL_TOLERANCE, side + ": " + diff);
                }
            }
        }
    }

    private List<BufferedImage> generate(int port, int side, int concurrent) throws Exception {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        try {
            List<java.util.concurrent.CompletableFuture<BufferedImage>> calls = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    Iterator<GenerateEvent> events = ImageGeneratorGrpc.newBlockingStub(ch)
                            .generate(GenerateRequest.newBuilder()
                                    .setPrompt("a red fox in the snow")
                                    .setWidth(side)
                                    .setHeight(side)
                                    .setSeed(42)
                                    .build());
                    BufferedImage image = null;
                    while (events.hasNext()) {
                        GenerateEvent e = events.next();
                        if (e.hasImage()) {
                            try {
                                image = ImageIO.read(new ByteArrayInputStream(
                                        e.getImage().getData().toByteArray()));
                            } catch (IOException x) {
                                throw new java.io.UncheckedIOException(x);
                            }
                        }
                        if (e.hasDone()) {
                            var t = e.getDone().getTimings();
                            line(String.format(
                                    Locale.ROOT,
                                    "port %d %dx%d: encode %.1f ms, denoise %.1f ms (4 steps),"
                                            + " decode %.1f ms, total %.1f ms",
                                    port,
                                    side,
                                    side,
                                    t.getEncodeMs(),
                                    t.getDenoiseMs(),
                                    t.getDecodeMs(),
                                    t.getTotalMs()));
                        }
                    }
                    return image;
                }));
            }
            List<BufferedImage> out = new ArrayList<>();
            for (var c : calls) {
                out.add(c.get());
            }
            return out;
        } finally {
            ch.shutdownNow();
        }
    }

    private static int maxPixelDiff(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    max = Math.max(max, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
                }
            }
        }
        return max;
    }

    private static void build(Path onnx, String... shapes) {
        List<String> args = new ArrayList<>(List.of("--onnx", onnx.toString()));
        args.addAll(List.of(shapes));
        StringWriter err = new StringWriter();
        var cl = BuildEngineMain.commandLine(new BuildEngineMain(
                TensorRtAvailability.javacpp(), JavaCppTensorRt.process().newBuilder(), Clock.systemUTC()));
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute(args.toArray(String[]::new)), onnx + ": " + err);
    }

    private synchronized void line(String s) {
        System.out.println(s);
        report.add(s);
        try {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "gpu-tier-serving.txt"), report);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(Path src, Path dst) throws IOException {
        deleteTree(dst);
        try (var files = Files.walk(src)) {
            for (Path f : files.toList()) {
                Path t = dst.resolve(src.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
