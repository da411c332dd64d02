package dev.strobe.optimum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.PredictionType;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.model.ClipBpeFiles;
import dev.strobe.model.ModelManifest;
import dev.strobe.model.OptimumImport;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.tiny.TinyModelGenerator;
import dev.strobe.tiny.TinyModelSet;
import dev.strobe.tiny.TinyModelSpec;
import dev.strobe.tiny.TinyOptimumExport;
import dev.strobe.tiny.TinyOptimumExport.Precision;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real export's route, end to end: the tiny model written in optimum's SDXL layout (fp16 I/O,
 * scalar timestep, UNet weights in model.onnx_data), imported to a model.json by
 * {@link OptimumImport}, served by a {@link StrobeServer} beside the float32 tiny model of the same
 * weights, and used over gRPC.
 *
 * <p>Tolerances, per 8-bit channel: {@value #BATCH_TOLERANCE} between an image served alone and the same image served
 * while other requests run (the scalar-timestep UNet only ever sees batches at one timestep; ONNX
 * Runtime may round differently at another batch size; observed 0); {@value #FP16_TOLERANCE} between
 * the fp16 export and the float32 model (fp16 rounding of every tensor that crosses a component
 * boundary; observed 1).
 */
class OptimumExportServingTest {
    static final int STEPS = 8;
    static final String OPTIMUM = "optimum-lightning-8step";
    static final String FLOAT32 = "tiny-lightning-8step";
    static final int BATCH_TOLERANCE = 2;
    static final int FP16_TOLERANCE = 3;

    @TempDir
    static Path repo;

    static StrobeServer server;
    static ManagedChannel channel;
    static ModelManifest imported;

    @BeforeAll
    static void start() throws Exception {
        TinyModelGenerator generator = TinyModelGenerator.forSeed(TinyModelSet.DEFAULT_SEED);
        generator.generate(repo.resolve(FLOAT32), TinyModelSpec.lightning(STEPS));
        Path export = repo.resolve(OPTIMUM);
        new TinyOptimumExport(generator.weights(), ClipBpeFiles.builtin())
                .write(
                        export,
                        TinyOptimumExport.Options.optimum(TinyModelSpec.lightning(STEPS), Precision.FP16)
                                .withUnetExternalData(true));
        imported = new OptimumImport()
                .importFolder(export, OptimumImport.Options.sdxl(null, STEPS).withSizes(256, 1024, 2048), false)
                .manifest();
        String name = InProcessServerBuilder.generateName();
        server = StrobeServer.start(
                ServerSettings.forModels(repo, 0), GrpcTransport.using(InProcessServerBuilder.forName(name)));
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    static GenerateRequest.Builder request(String model, String prompt, long seed) {
        return GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt(prompt)
                .setWidth(256)
                .setHeight(256)
                .setSeed(seed);
    }

    static ImageGeneratorGrpc.ImageGeneratorBlockingStub blocking() {
        return ImageGeneratorGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static List<GenerateEvent> generate(GenerateRequest r) {
        List<GenerateEvent> events = new ArrayList<>();
        Iterator<GenerateEvent> it = blocking().generate(r);
        it.forEachRemaining(events::add);
        return events;
    }

    /** Previews are lossy (a slow reader may miss older ones), so only their order is fixed. */
    @Test
    void theImportedExportStreamsQueuedPreviewsImageAndDone() throws IOException {
        List<GenerateEvent> events =
                generate(request(OPTIMUM, "a red fox in the snow", 7).build());
        List<GenerateEvent.EventCase> kinds =
                events.stream().map(GenerateEvent::getEventCase).toList();
        assertEquals(GenerateEvent.EventCase.QUEUED, kinds.get(0), kinds.toString());
        assertEquals(OPTIMUM, events.get(0).getQueued().getModel());
        assertEquals(STEPS, events.get(0).getQueued().getSteps());
        int lastStep = 0;
        int previews = 0;
        for (GenerateEvent e : events.subList(1, events.size() - 2)) {
            assertTrue(e.hasPreview(), kinds.toString());
            assertTrue(e.getPreview().getStep() > lastStep && e.getPreview().getStep() <= STEPS, kinds.toString());
            assertEquals(STEPS, e.getPreview().getTotalSteps());
            lastStep = e.getPreview().getStep();
            previews++;
        }
        assertTrue(previews > 0, "at least one preview");
        BufferedImage png =
                decode(events.get(events.size() - 2).getImage().getData().toByteArray());
        assertEquals(256, png.getWidth());
        assertEquals(256, png.getHeight());
        assertTrue(events.get(events.size() - 1).hasDone(), kinds.toString());
    }

    @Test
    void listModelsReportsTheImportedModel() {
        ListModelsResponse r = blocking().listModels(ListModelsRequest.getDefaultInstance());
        ModelInfo m = r.getModelsList().stream()
                .filter(i -> i.getName().equals(OPTIMUM))
                .findFirst()
                .orElseThrow();
        assertEquals(STEPS, m.getSteps());
        assertEquals(PredictionType.PREDICTION_TYPE_EPSILON, m.getPredictionType());
        assertEquals(256, m.getMinWidth());
        assertEquals(2048, m.getMaxWidth());
        assertEquals(1024, m.getDefaultWidth());
        assertEquals("onnxruntime", m.getEngine());
        assertEquals(
                "hidden_states.11",
                imported.components.get("text_encoder").outputs.get("hidden"));
        assertEquals(
                "hidden_states.31",
                imported.components.get("text_encoder_2").outputs.get("hidden"));
    }

    /**
     * A (two images, so UNet calls hold two images at one timestep), B started the moment A
     * delivers its first preview, C the moment B does: the three are at different steps at the
     * same time. Each image must be what it is when served alone, and every call must have been
     * accepted by the scalar-timestep UNet (a call mixing timesteps fails the request).
     */
    @Test
    void chainedRequestsAtDifferentStepsGetTheirSoloImages() throws Exception {
        GenerateRequest a =
                request(OPTIMUM, "a lighthouse at dusk", 11).setNumImages(2).build();
        GenerateRequest b = request(OPTIMUM, "a bowl of ripe lemons", 12).build();
        GenerateRequest c = request(OPTIMUM, "two cats on a sofa", 13).build();
        Map<String, BufferedImage> solo = new TreeMap<>();
        for (GenerateRequest r : List.of(
                a.toBuilder().setNumImages(1).build(),
                a.toBuilder().setNumImages(1).setSeed(12).build(),
                b,
                c)) {
            solo.putAll(images(generate(r), r.getPrompt()));
        }
        double[] before = denoiseBatches();

        List<Streams.Call> calls = new Streams(ImageGeneratorGrpc.newStub(channel)).chain(List.of(a, b, c));
        Map<String, BufferedImage> together = new TreeMap<>();
        for (Streams.Call call : calls) {
            List<GenerateEvent> events = call.done.get(60, TimeUnit.SECONDS);
            assertTrue(events.get(events.size() - 1).hasDone(), call.request.getPrompt());
            together.putAll(images(events, call.request.getPrompt()));
        }
        // B's first step ran before A's last event arrived, C's before B's: they overlapped.
        assertTrue(calls.get(1).firstPreview() < calls.get(0).end(), "B overlapped A");
        assertTrue(calls.get(2).firstPreview() < calls.get(1).end(), "C overlapped B");
        assertEquals(solo.keySet(), together.keySet());
        for (String image : solo.keySet()) {
            assertMatches(solo.get(image), together.get(image), BATCH_TOLERANCE, image);
        }

        double[] after = denoiseBatches();
        double unetCalls = after[0] - before[0];
        double images = after[1] - before[1];
        assertEquals(4 * STEPS, images, "4 images went through every step");
        assertTrue(unetCalls < images, "some UNet call held more than one image (" + unetCalls + " calls)");
    }

    @Test
    void theFp16ExportDrawsTheFloat32ModelsImage() throws IOException {
        for (String prompt : List.of("a red fox in the snow", "a bowl of ripe lemons")) {
            BufferedImage fp16 = only(generate(request(OPTIMUM, prompt, 21).build()));
            BufferedImage fp32 = only(generate(request(FLOAT32, prompt, 21).build()));
            assertMatches(fp32, fp16, FP16_TOLERANCE, "fp16 export vs float32 model, '" + prompt + "'");
        }
    }

    /** The final images of a stream, keyed "prompt #seed". */
    private static Map<String, BufferedImage> images(List<GenerateEvent> events, String prompt) throws IOException {
        Map<String, BufferedImage> out = new TreeMap<>();
        for (GenerateEvent e : events) {
            if (e.hasImage()) {
                out.put(
                        prompt + " #" + e.getImage().getSeed(),
                        decode(e.getImage().getData().toByteArray()));
            }
        }
        return out;
    }

    private static BufferedImage only(List<GenerateEvent> events) throws IOException {
        return decode(events.stream()
                .filter(GenerateEvent::hasImage)
                .findFirst()
                .orElseThrow()
                .getImage()
                .getData()
                .toByteArray());
    }

    /** {count, sum} of the UNet batch-size histogram of the optimum model. */
    private static double[] denoiseBatches() {
        for (MetricSnapshot s : server.metrics().registry().scrape()) {
            if (s instanceof HistogramSnapshot h && h.getMetadata().getName().equals("strobe_batch_size")) {
                for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                    if ("denoise".equals(p.getLabels().get("stage"))
                            && OPTIMUM.equals(p.getLabels().get("model"))) {
                        return new double[] {p.getCount(), p.getSum()};
                    }
                }
            }
        }
        return new double[] {0, 0};
    }

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "image bytes must decode");
        return img;
    }

    static int maxChannelDiff(BufferedImage x, BufferedImage y) {
        assertEquals(x.getWidth(), y.getWidth());
        assertEquals(x.getHeight(), y.getHeight());
        int worst = 0;
        for (int j = 0; j < x.getHeight(); j++) {
            for (int i = 0; i < x.getWidth(); i++) {
                int p = x.getRGB(i, j);
                int q = y.getRGB(i, j);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
                }
            }
        }
        return worst;
    }

    static void assertMatches(BufferedImage expected, BufferedImage actual, int tolerance, String what) {
        assertNotNull(expected, what + ": no solo image");
        assertNotNull(actual, what + ": no image");
        int diff = maxChannelDiff(expected, actual);
        assertTrue(diff <= tolerance, what + ": max channel difference " + diff + " > " + tolerance);
    }
}
