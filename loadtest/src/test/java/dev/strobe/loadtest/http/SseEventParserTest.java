package dev.strobe.loadtest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.PreviewOptions;
import dev.strobe.client.GenerationEvent;
import io.grpc.Status;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP load sender's translation: gRPC requests to OpenAI bodies, SSE lines to client events. */
class SseEventParserTest {
    private static final String B64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});

    @Test
    void partialImagesArePreviewsAndTheLastCompletedIsFollowedByDone() {
        SseEventParser p = new SseEventParser();
        assertEquals(List.of(), p.line(": queued position=0 model=m size=512x512 steps=4 images=1"));
        assertEquals(List.of(), p.line(""));
        List<GenerationEvent> preview = p.line("data: {\"type\":\"image_generation.partial_image\",\"b64_json\":\""
                + B64 + "\",\"size\":\"512x512\",\"output_format\":\"png\",\"partial_image_index\":0,"
                + "\"image_index\":0,\"step\":1,\"total_steps\":4}");
        GenerationEvent.Preview pv = assertInstanceOf(GenerationEvent.Preview.class, preview.get(0));
        assertEquals(1, pv.step());
        assertEquals(4, pv.totalSteps());
        assertEquals(64, pv.width());
        assertEquals(3, pv.data().size());
        assertFalse(p.done());

        List<GenerationEvent> first = p.line(
                "data: {\"type\":\"image_generation.completed\",\"b64_json\":\"" + B64
                        + "\",\"size\":\"512x512\",\"output_format\":\"jpeg\",\"image_index\":0,\"seed\":\"18446744073709551615\"}");
        assertEquals(1, first.size(), "an image that is not the last one has no Done");
        GenerationEvent.Image img = assertInstanceOf(GenerationEvent.Image.class, first.get(0));
        assertEquals(-1L, img.seed(), "the unsigned seed 2^64-1");
        assertEquals(ImageFormat.IMAGE_FORMAT_JPEG, img.format());

        List<GenerationEvent> last = p.line("data: {\"type\":\"image_generation.completed\",\"b64_json\":\"" + B64
                + "\",\"size\":\"512x512\",\"output_format\":\"png\",\"image_index\":1,\"seed\":\"5\","
                + "\"strobe\":{\"request_id\":\"lt-3\",\"timings\":{\"queue_ms\":1.5,\"total_ms\":900.0,"
                + "\"first_preview_ms\":120.0}}}");
        assertEquals(2, last.size());
        GenerationEvent.Done done = assertInstanceOf(GenerationEvent.Done.class, last.get(1));
        assertEquals("lt-3", done.requestId());
        assertEquals(1.5, done.timings().queueMs());
        assertEquals(120.0, done.timings().firstPreviewMs());
        assertTrue(p.done());
    }

    @Test
    void anErrorEventIsAFailureWithItsCode() {
        SseEventParser.FailureException e = assertThrows(
                SseEventParser.FailureException.class,
                () -> new SseEventParser()
                        .line("data: {\"type\":\"error\",\"error\":{\"message\":\"deadline passed\","
                                + "\"type\":\"timeout\",\"code\":\"deadline_exceeded\",\"param\":null}}"));
        assertEquals("deadline_exceeded", e.failure.code());
        assertEquals(Status.Code.DEADLINE_EXCEEDED, HttpRequestSender.code(e.failure.code()));
    }

    @Test
    void refusalsMapToTheGrpcFrontendsCodes() {
        String body = "{\"error\":{\"message\":\"the queue is full\",\"type\":\"rate_limit\",\"code\":\"queue_full\"}}";
        Status s = HttpRequestSender.refusal(429, body);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
        assertTrue(s.getDescription().contains("the queue is full"));
        assertEquals(Status.Code.NOT_FOUND, HttpRequestSender.refusal(404, "{}").getCode());
        assertEquals(
                Status.Code.UNAVAILABLE,
                HttpRequestSender.refusal(503, "not json").getCode());
        assertEquals(
                Status.Code.INTERNAL, HttpRequestSender.refusal(500, "not json").getCode());
    }

    @Test
    void aGrpcRequestBecomesTheSameOpenAiRequestWithEveryStepStreamed() {
        GenerateRequest r = GenerateRequest.newBuilder()
                .setPrompt("a fox")
                .setModel("tiny-lightning-8step")
                .setWidth(512)
                .setHeight(768)
                .setNumImages(2)
                .setSeed(-2L)
                .setRequestId("lt-9")
                .setPreview(PreviewOptions.newBuilder().setFormat(PreviewFormat.PREVIEW_FORMAT_JPEG))
                .build();
        var o = OpenAiImagesRequest.of(r);
        assertEquals("a fox", o.get("prompt").getAsString());
        assertEquals("tiny-lightning-8step", o.get("model").getAsString());
        assertEquals("512x768", o.get("size").getAsString());
        assertEquals(2, o.get("n").getAsInt());
        assertEquals("18446744073709551614", o.get("seed").getAsString());
        assertEquals("lt-9", o.get("request_id").getAsString());
        assertEquals("png", o.get("output_format").getAsString());
        assertTrue(o.get("stream").getAsBoolean());
        assertEquals("all", o.get("strobe_previews").getAsString());

        var plain = OpenAiImagesRequest.of(GenerateRequest.newBuilder()
                .setPrompt("x")
                .setPreview(PreviewOptions.newBuilder().setFormat(PreviewFormat.PREVIEW_FORMAT_NONE))
                .build());
        assertEquals("auto", plain.get("size").getAsString());
        assertFalse(plain.has("strobe_previews"), "no previews asked, none streamed");
        assertFalse(plain.has("model"));
        assertFalse(plain.has("seed"));
    }
}
