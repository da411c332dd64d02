package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.PredictionType;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.PreviewOptions;
import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The strobe.v1 contract: what holds whatever the models are. Each subclass picks the models (the
 * tiny models end to end, or fake pipelines) and the transport (in-process, Netty on port 0): the
 * same assertions must hold on each. Model limits are read from the served models' own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GenerateContractTest {
    private ContractServer contract;

    /** Starts the server and its channels, once per class. */
    abstract ContractServer start() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        contract = start();
    }

    @AfterAll
    void stopServer() {
        contract.close();
    }

    ManagedChannel channel() {
        return contract.channel();
    }

    ManagedChannel stallingChannel() {
        return contract.stalling();
    }

    StrobeServer server() {
        return contract.server();
    }

    int previewsPerImageForAStalledReader() {
        return contract.previewsPerImageForAStalledReader();
    }

    /** The served model's own facts and limits, as the catalog holds them. */
    dev.strobe.service.ModelInfo served(String model) {
        return server().service().catalog().resolve(model).info();
    }

    ImageGeneratorGrpc.ImageGeneratorBlockingStub stub() {
        return ImageGeneratorGrpc.newBlockingStub(channel()).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    static GenerateRequest.Builder request(String prompt) {
        return GenerateRequest.newBuilder()
                .setPrompt(prompt)
                .setWidth(256)
                .setHeight(256)
                .setSeed(7);
    }

    List<GenerateEvent> generate(GenerateRequest r) {
        List<GenerateEvent> events = new ArrayList<>();
        Iterator<GenerateEvent> it = stub().generate(r);
        it.forEachRemaining(events::add);
        return events;
    }

    static BufferedImage decode(com.google.protobuf.ByteString data) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(data.toByteArray()));
        assertNotNull(img, "image bytes must decode");
        return img;
    }

    @Test
    void aStreamCarriesQueuedThenPreviewsInStepOrderThenTheImageThenDone() throws IOException {
        List<GenerateEvent> events =
                generate(request("a red fox in the snow").setRequestId("fox-1").build());
        assertEquals(GenerateEvent.EventCase.QUEUED, events.get(0).getEventCase());
        assertEquals("fox-1", events.get(0).getQueued().getRequestId());
        assertEquals("tiny-lightning-4step", events.get(0).getQueued().getModel());
        assertEquals(4, events.get(0).getQueued().getSteps());
        // Previews are lossy: when a newer step is ready before an older preview went out (a busy
        // machine), the older one is dropped. Those that arrive come in step order, one per step.
        int previews = events.size() - 3;
        assertTrue(previews >= 1 && previews <= 4, "1 to 4 previews: " + events);
        int lastStep = 0;
        for (int i = 1; i <= previews; i++) {
            GenerateEvent e = events.get(i);
            assertEquals(GenerateEvent.EventCase.PREVIEW, e.getEventCase());
            assertTrue(e.getPreview().getStep() > lastStep, "steps increase: " + events);
            lastStep = e.getPreview().getStep();
            assertEquals(4, e.getPreview().getTotalSteps());
            assertEquals(ImageFormat.IMAGE_FORMAT_JPEG, e.getPreview().getFormat());
            BufferedImage p = decode(e.getPreview().getData());
            assertEquals(32, p.getWidth(), "previews have the latent size by default");
        }
        assertTrue(lastStep <= 4);
        GenerateEvent image = events.get(previews + 1);
        assertEquals(GenerateEvent.EventCase.IMAGE, image.getEventCase());
        assertEquals(7, image.getImage().getSeed());
        assertEquals(ImageFormat.IMAGE_FORMAT_PNG, image.getImage().getFormat());
        BufferedImage png = decode(image.getImage().getData());
        assertEquals(256, png.getWidth());
        assertEquals(256, png.getHeight());
        GenerateEvent done = events.get(previews + 2);
        assertEquals(GenerateEvent.EventCase.DONE, done.getEventCase());
        assertEquals("fox-1", done.getDone().getRequestId());
        assertTrue(done.getDone().getTimings().getTotalMs() > 0);
        assertTrue(done.getDone().getTimings().getDenoiseMs() > 0);
    }

    @Test
    void sameSeedAndPromptGiveTheSameImageAndOtherPromptsOrSeedsDiffer() {
        byte[] a = finalImage(request("a lighthouse at dusk").build());
        byte[] b = finalImage(request("a lighthouse at dusk").build());
        byte[] c = finalImage(request("a bowl of ripe lemons").build());
        byte[] d = finalImage(request("a lighthouse at dusk").setSeed(8).build());
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "another prompt");
        assertFalse(java.util.Arrays.equals(a, d), "another seed");
    }

    @Test
    void imagesOfOneRequestUseSeedPlusIndex() {
        List<GenerateEvent> events =
                generate(request("two cats").setNumImages(2).setSeed(-1L).build());
        List<Long> seeds = events.stream()
                .filter(GenerateEvent::hasImage)
                .map(e -> e.getImage().getSeed())
                .toList();
        assertEquals(2, seeds.size());
        assertTrue(seeds.contains(-1L) && seeds.contains(0L), "seeds " + seeds);
        assertTrue(events.get(events.size() - 1).hasDone());
    }

    @Test
    void listModelsDescribesTheServedModelsWithTheirOwnLimits() {
        ListModelsResponse r = stub().listModels(ListModelsRequest.getDefaultInstance());
        assertEquals("tiny-lightning-4step", r.getDefaultModel());
        assertEquals(
                List.of("tiny-lightning-1step", "tiny-lightning-2step", "tiny-lightning-4step", "tiny-lightning-8step"),
                r.getModelsList().stream().map(ModelInfo::getName).toList());
        ModelInfo one = r.getModels(0);
        assertEquals(1, one.getSteps());
        assertEquals(PredictionType.PREDICTION_TYPE_SAMPLE, one.getPredictionType());
        ModelInfo four = r.getModels(2);
        assertEquals(PredictionType.PREDICTION_TYPE_EPSILON, four.getPredictionType());
        assertTrue(four.getIsDefault());
        for (ModelInfo listed : r.getModelsList()) {
            dev.strobe.service.ModelInfo own = served(listed.getName());
            assertEquals(own.steps(), listed.getSteps(), listed.getName());
            assertEquals(own.minSize(), listed.getMinWidth(), listed.getName());
            assertEquals(own.maxSize(), listed.getMaxWidth(), listed.getName());
            assertEquals(own.sizeMultiple(), listed.getSizeMultiple(), listed.getName());
            assertEquals(own.defaultWidth(), listed.getDefaultWidth(), listed.getName());
            assertEquals(own.maxBatch(), listed.getMaxBatch(), listed.getName());
            assertEquals(own.engine(), listed.getEngine(), listed.getName());
            assertTrue(listed.getMaxBatch() >= 1);
        }
    }

    @Test
    void badRequestsGetAStatusWithASentenceAndTheServerGoesOn() {
        dev.strobe.service.ModelInfo model = served("");
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "multiple of " + model.sizeMultiple(),
                request("x")
                        .setWidth(model.minSize() + model.sizeMultiple() / 2)
                        .build());
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "outside",
                request("x").setHeight(model.maxSize() + model.sizeMultiple()).build());
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "distilled for " + model.steps() + " steps",
                request("x").setSteps(2 * model.steps()).build());
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                "num_images",
                request("x").setNumImages(5).build());
        assertStatus(
                Status.Code.NOT_FOUND,
                "available models",
                request("x").setModel("sdxl-turbo").build());
        List<GenerateEvent> ok = generate(request("still serving").build());
        assertTrue(ok.get(ok.size() - 1).hasDone());
    }

    @Test
    void aStalledReaderGetsTheNewestPreviewPerImageAndEverythingReliableWhileOthersRunAtFullSpeed() throws Exception {
        GenerateRequest slowRequest = request("a slow reader")
                .setModel("tiny-lightning-8step")
                .setWidth(512)
                .setHeight(512)
                .setNumImages(2)
                .setRequestId("slow")
                .setPreview(PreviewOptions.newBuilder().setFormat(PreviewFormat.PREVIEW_FORMAT_PNG))
                .build();
        ManualStream slow = ManualStream.start(stallingChannel(), slowRequest);
        // Beside it, a request completes at normal speed.
        List<GenerateEvent> beside = generate(request("beside the slow reader").build());
        assertTrue(beside.get(beside.size() - 1).hasDone());
        // The slow request finishes on the server while its client still reads nothing...
        awaitIdle(Duration.ofSeconds(60));
        assertFalse(slow.isClosed(), "the server cannot end the stream before the client read it");
        // ...and the next request is served while it still reads nothing: the batcher is idle, not
        // waiting for the stalled client, and the stream still holds what the client has not read.
        List<GenerateEvent> after = generate(request("after the stall").build());
        assertTrue(after.get(after.size() - 1).hasDone());
        assertFalse(slow.isClosed());
        List<GenerateEvent> events = slow.readAll(Duration.ofSeconds(30));
        assertEquals(Status.Code.OK, slow.status(Duration.ofSeconds(1)).getCode());
        assertEquals(GenerateEvent.EventCase.QUEUED, events.get(0).getEventCase());
        assertTrue(events.get(events.size() - 1).hasDone(), "done is the last event");
        for (int image = 0; image < 2; image++) {
            int index = image;
            List<Integer> steps = events.stream()
                    .filter(e -> e.hasPreview() && e.getPreview().getImageIndex() == index)
                    .map(e -> e.getPreview().getStep())
                    .toList();
            assertFalse(steps.isEmpty(), "the newest preview of image " + index + " is kept");
            assertEquals(8, steps.get(steps.size() - 1), "the last preview is the newest, step 8: " + steps);
            assertTrue(
                    steps.size() <= previewsPerImageForAStalledReader(),
                    "a stalled reader holds few previews, got steps " + steps + " of image " + index);
            assertEquals(steps.stream().sorted().distinct().toList(), steps, "previews never go back in time");
        }
        List<Integer> images = events.stream()
                .filter(GenerateEvent::hasImage)
                .map(e -> e.getImage().getImageIndex())
                .sorted()
                .toList();
        assertEquals(List.of(0, 1), images, "every final image arrives");
        System.out.println("stalled reader got " + events.size() + " events: "
                + events.stream()
                        .map(e -> e.getEventCase()
                                + (e.hasPreview() ? "" + e.getPreview().getStep() : ""))
                        .toList());
    }

    @Test
    void aClientDeadlineEndsTheStreamWithDeadlineExceededAndTheJobLeavesTheBatcher() throws Exception {
        // The largest request the models serve: two 2048x2048 images of eight steps take seconds on
        // the tiny models here (a 1024x1024 image took under 600 ms on a fast machine) and 6.4 s
        // of simulated device time on the fake pipeline; the deadline passes long before.
        GenerateRequest big = request("too slow for the deadline")
                .setModel("tiny-lightning-8step")
                .setWidth(2048)
                .setHeight(2048)
                .setNumImages(2)
                .build();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> ImageGeneratorGrpc.newBlockingStub(channel())
                        .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                        .generate(big)
                        .forEachRemaining(x -> {}));
        assertEquals(
                Status.Code.DEADLINE_EXCEEDED,
                e.getStatus().getCode(),
                e.getStatus().toString());
        awaitIdle(Duration.ofSeconds(20));
    }

    @Test
    void aCancelledStreamLeavesTheBatcher() throws Exception {
        long completedBefore = server().service().batcher().stats().completed();
        ManualStream s = ManualStream.start(
                channel(),
                request("cancel me")
                        .setModel("tiny-lightning-8step")
                        .setWidth(1024)
                        .setHeight(1024)
                        .setNumImages(2)
                        .build());
        GenerateEvent first = s.next(Duration.ofSeconds(30));
        assertEquals(GenerateEvent.EventCase.QUEUED, first.getEventCase());
        GenerateEvent preview = s.next(Duration.ofSeconds(30));
        assertEquals(GenerateEvent.EventCase.PREVIEW, preview.getEventCase(), "the job is denoising");
        s.cancel();
        assertEquals(Status.Code.CANCELLED, s.status(Duration.ofSeconds(5)).getCode());
        awaitIdle(Duration.ofSeconds(20));
        assertEquals(
                completedBefore,
                server().service().batcher().stats().completed(),
                "the batcher dropped the cancelled job instead of finishing it");
    }

    @Test
    void healthIsServingForTheServerTheServiceAndEachModel() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel());
        for (String name : List.of(
                "",
                "strobe.v1.ImageGenerator",
                "strobe.v1.ImageGenerator/tiny-lightning-1step",
                "strobe.v1.ImageGenerator/tiny-lightning-8step")) {
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder()
                                    .setService(name)
                                    .build())
                            .getStatus(),
                    name);
        }
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> health.check(HealthCheckRequest.newBuilder()
                        .setService("strobe.v1.ImageGenerator/sdxl-turbo")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void reflectionListsTheServicesAndServesTheStrobeProto() throws Exception {
        ReflectionClient reflection = new ReflectionClient(channel());
        assertTrue(
                reflection
                        .services()
                        .containsAll(List.of(
                                "strobe.v1.ImageGenerator",
                                "grpc.health.v1.Health",
                                "grpc.reflection.v1.ServerReflection")),
                reflection.services().toString());
        DescriptorProtos.FileDescriptorProto file = reflection.fileContaining("strobe.v1.ImageGenerator");
        assertEquals("strobe.v1", file.getPackage());
        assertEquals(
                List.of("Generate", "ListModels"),
                file.getService(0).getMethodList().stream()
                        .map(DescriptorProtos.MethodDescriptorProto::getName)
                        .toList());
        assertTrue(reflection.servicesV1Alpha().contains("strobe.v1.ImageGenerator"), "v1alpha for older tools");
    }

    /** Waits until the batcher holds no request; fails after the timeout. */
    void awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            var stats = server().service().batcher().stats();
            if (stats.activeImages() == 0 && stats.queued() == 0) {
                return;
            }
            assertTrue(System.nanoTime() < end, "the batcher still holds work: " + stats);
            Thread.sleep(10);
        }
    }

    void assertStatus(Status.Code code, String sentence, GenerateRequest r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> generate(r));
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(
                e.getStatus().getDescription().contains(sentence), e.getStatus().getDescription());
    }

    byte[] finalImage(GenerateRequest r) {
        return generate(r).stream()
                .filter(GenerateEvent::hasImage)
                .findFirst()
                .orElseThrow()
                .getImage()
                .getData()
                .toByteArray();
    }
}
