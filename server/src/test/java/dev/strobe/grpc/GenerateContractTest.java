package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.PredictionType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The strobe.v1 contract, end to end on the tiny models. Runs over every transport a subclass
 * provides (in-process, Netty on port 0): the same assertions must hold on each.
 */
abstract class GenerateContractTest {

    /** A channel to a running server with the tiny models. */
    abstract ManagedChannel channel();

    ImageGeneratorGrpc.ImageGeneratorBlockingStub stub() {
        return ImageGeneratorGrpc.newBlockingStub(channel()).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    static GenerateRequest.Builder request(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setWidth(256).setHeight(256).setSeed(7);
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
    void aStreamCarriesQueuedThenEveryPreviewInOrderThenTheImageThenDone() throws IOException {
        List<GenerateEvent> events = generate(request("a red fox in the snow").setRequestId("fox-1").build());
        assertEquals(GenerateEvent.EventCase.QUEUED, events.get(0).getEventCase());
        assertEquals("fox-1", events.get(0).getQueued().getRequestId());
        assertEquals("tiny-lightning-4step", events.get(0).getQueued().getModel());
        assertEquals(4, events.get(0).getQueued().getSteps());
        for (int step = 1; step <= 4; step++) {
            GenerateEvent e = events.get(step);
            assertEquals(GenerateEvent.EventCase.PREVIEW, e.getEventCase());
            assertEquals(step, e.getPreview().getStep());
            assertEquals(4, e.getPreview().getTotalSteps());
            assertEquals(ImageFormat.IMAGE_FORMAT_JPEG, e.getPreview().getFormat());
            BufferedImage p = decode(e.getPreview().getData());
            assertEquals(32, p.getWidth(), "previews have the latent size by default");
        }
        GenerateEvent image = events.get(5);
        assertEquals(GenerateEvent.EventCase.IMAGE, image.getEventCase());
        assertEquals(7, image.getImage().getSeed());
        assertEquals(ImageFormat.IMAGE_FORMAT_PNG, image.getImage().getFormat());
        BufferedImage png = decode(image.getImage().getData());
        assertEquals(256, png.getWidth());
        assertEquals(256, png.getHeight());
        GenerateEvent done = events.get(6);
        assertEquals(GenerateEvent.EventCase.DONE, done.getEventCase());
        assertEquals(7, events.size());
        assertEquals("fox-1", done.getDone().getRequestId());
        assertTrue(done.getDone().getTimings().getTotalMs() > 0);
        assertTrue(done.getDone().getTimings().getDenoiseMs() > 0);
    }

    @Test
    void sameSeedAndPromptGiveTheSameImageAndOtherPromptsDiffer() {
        byte[] a = finalImage(request("a lighthouse at dusk").build());
        byte[] b = finalImage(request("a lighthouse at dusk").build());
        byte[] c = finalImage(request("a bowl of ripe lemons").build());
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void imagesOfOneRequestUseSeedPlusIndex() {
        List<GenerateEvent> events = generate(request("two cats").setNumImages(2).setSeed(-1L).build());
        List<Long> seeds = events.stream().filter(GenerateEvent::hasImage).map(e -> e.getImage().getSeed()).toList();
        assertEquals(2, seeds.size());
        assertTrue(seeds.contains(-1L) && seeds.contains(0L), "seeds " + seeds);
        assertTrue(events.get(events.size() - 1).hasDone());
    }

    @Test
    void listModelsDescribesTheTinyModels() {
        ListModelsResponse r = stub().listModels(ListModelsRequest.getDefaultInstance());
        assertEquals("tiny-lightning-4step", r.getDefaultModel());
        assertEquals(List.of("tiny-lightning-1step", "tiny-lightning-2step", "tiny-lightning-4step",
                "tiny-lightning-8step"), r.getModelsList().stream().map(ModelInfo::getName).toList());
        ModelInfo one = r.getModels(0);
        assertEquals(1, one.getSteps());
        assertEquals(PredictionType.PREDICTION_TYPE_SAMPLE, one.getPredictionType());
        ModelInfo four = r.getModels(2);
        assertEquals(PredictionType.PREDICTION_TYPE_EPSILON, four.getPredictionType());
        assertTrue(four.getIsDefault());
        assertEquals(256, four.getMinWidth());
        assertEquals(2048, four.getMaxWidth());
        assertEquals(64, four.getSizeMultiple());
        assertEquals(1024, four.getDefaultWidth());
        assertEquals("onnxruntime", four.getEngine());
        assertTrue(four.getMaxBatch() >= 1);
    }

    @Test
    void badRequestsGetAStatusWithASentenceAndTheServerGoesOn() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "multiple of 64", request("x").setWidth(1000).build());
        assertStatus(Status.Code.INVALID_ARGUMENT, "outside", request("x").setHeight(4096).build());
        assertStatus(Status.Code.INVALID_ARGUMENT, "distilled for 4 steps", request("x").setSteps(8).build());
        assertStatus(Status.Code.INVALID_ARGUMENT, "num_images", request("x").setNumImages(5).build());
        assertStatus(Status.Code.NOT_FOUND, "available models", request("x").setModel("sdxl-turbo").build());
        List<GenerateEvent> ok = generate(request("still serving").build());
        assertTrue(ok.get(ok.size() - 1).hasDone());
    }

    void assertStatus(Status.Code code, String sentence, GenerateRequest r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> generate(r));
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(sentence), e.getStatus().getDescription());
    }

    byte[] finalImage(GenerateRequest r) {
        return generate(r).stream().filter(GenerateEvent::hasImage).findFirst().orElseThrow()
                .getImage().getData().toByteArray();
    }
}
