package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.StreamEvent;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Server-Sent Events in the shapes OpenAI's SDKs read, with flow control and heartbeats. */
class SseEventWriterTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private final FakeChannel out = new FakeChannel();
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final SseEventWriter writer = new SseEventWriter(out, now::get, HEARTBEAT);

    SseEventWriterTest() {
        writer.bind(resumed::incrementAndGet, cancelled::incrementAndGet);
    }

    private static StreamEvent.Queued queued(int images) {
        return new StreamEvent.Queued(0, "req-1", 5, false, "tiny", 512, 768, 4, images);
    }

    private static StreamEvent.Preview preview(int image, int step) {
        return new StreamEvent.Preview(image, step, 4, new EncodedImage(ImageFormat.PNG, 64, 96, new byte[] {1, 2}));
    }

    private static StreamEvent.FinalImage image(int index, long seed) {
        return new StreamEvent.FinalImage(index, seed, new EncodedImage(ImageFormat.PNG, 512, 768, new byte[] {7}));
    }

    private static StreamEvent.Done done() {
        return new StreamEvent.Done(new Timings(1, 2, 3, 4, 10, 5, 0), "req-1");
    }

    private List<JsonObject> events() {
        return out.dataLines().stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
    }

    @Test
    void everyEventIsOneDataLineWithItsTypeInsideAndNoEventLines() {
        writer.write(queued(2));
        writer.write(preview(0, 1));
        writer.write(preview(1, 1));
        writer.write(preview(0, 3));
        writer.write(image(0, 41));
        writer.write(image(1, 42));
        writer.write(done());
        writer.complete();
        assertFalse(out.body.toString().contains("event:"), "the Node SDK would wrap typed events in {event, data}");
        assertTrue(
                out.body.toString().startsWith(": queued position=0 model=tiny size=512x768 steps=4 images=2\n\n"),
                out.body.toString());
        List<JsonObject> e = events();
        assertEquals(
                List.of(
                        ImagesJson.PARTIAL,
                        ImagesJson.PARTIAL,
                        ImagesJson.PARTIAL,
                        ImagesJson.COMPLETED,
                        ImagesJson.COMPLETED),
                e.stream().map(o -> o.get("type").getAsString()).toList());
        assertEquals(
                List.of(0, 0, 1),
                e.subList(0, 3).stream()
                        .map(o -> o.get("partial_image_index").getAsInt())
                        .toList(),
                "partial images are counted per image, from 0");
        JsonObject partial = e.get(2);
        assertEquals("512x768", partial.get("size").getAsString());
        assertEquals("png", partial.get("output_format").getAsString());
        assertEquals(3, partial.get("step").getAsInt());
        assertEquals(5L, partial.get("created_at").getAsLong() > 0 ? 5L : 0L);
        assertEquals(
                List.of((byte) 1, (byte) 2),
                List.of(
                        Base64.getDecoder().decode(partial.get("b64_json").getAsString())[0],
                        Base64.getDecoder().decode(partial.get("b64_json").getAsString())[1]));
        JsonObject first = e.get(3);
        JsonObject last = e.get(4);
        assertEquals("41", first.get("seed").getAsString(), "seeds are decimal strings, exact in JavaScript");
        assertNull(first.get("strobe"), "only the last image carries the timings");
        assertEquals(1, last.get("image_index").getAsInt());
        assertEquals(
                10.0,
                last.getAsJsonObject("strobe")
                        .getAsJsonObject("timings")
                        .get("total_ms")
                        .getAsDouble());
        assertEquals("req-1", last.getAsJsonObject("strobe").get("request_id").getAsString());
        assertTrue(out.last, "the response ended");
    }

    @Test
    void oneWriteIsInFlightOthersQueueBehindItUpToTheThresholdAndCompletionResumesTheStream() {
        out.autoComplete = false;
        writer.write(queued(1));
        assertTrue(writer.isReady(), "a small event in flight leaves room");
        writer.write(preview(0, 1));
        assertEquals(1, out.writes.size(), "queued behind the write in flight, never two at once");
        StreamEvent.Preview big = new StreamEvent.Preview(
                0, 2, 4, new EncodedImage(ImageFormat.PNG, 128, 128, new byte[SseEventWriter.READY_THRESHOLD_BYTES]));
        writer.write(big);
        assertFalse(writer.isReady(), "over the threshold: the stream keeps newer previews itself");
        out.completeWrite();
        assertEquals(2, out.writes.size());
        out.completeWrite();
        assertEquals(3, out.writes.size(), "the big one is in flight");
        assertFalse(writer.isReady());
        out.completeWrite();
        assertTrue(writer.isReady());
        assertTrue(resumed.get() >= 1, "the stream is told it may write again");
    }

    @Test
    void aHeartbeatIsSentOnlyAfterTheIntervalWithNothingWritten() {
        writer.write(queued(1));
        now.addAndGet(HEARTBEAT.toNanos() - 1);
        writer.heartbeat();
        assertEquals(1, out.writes.size(), "not yet");
        now.addAndGet(1);
        writer.heartbeat();
        assertEquals(": keep-alive\n\n", out.writes.get(1));
        assertEquals(HEARTBEAT.toNanos(), writer.nextHeartbeatIn());
    }

    @Test
    void anEventThatArrivesWhileAHeartbeatIsInFlightFollowsIt() {
        writer.write(queued(1));
        out.autoComplete = false;
        now.addAndGet(HEARTBEAT.toNanos());
        assertTrue(writer.isReady());
        writer.heartbeat();
        writer.write(preview(0, 1)); // the stream saw us ready a moment before the heartbeat started
        assertEquals(2, out.writes.size(), "the preview waits behind the heartbeat, never two writes at once");
        out.completeWrite();
        assertEquals(3, out.writes.size());
        assertTrue(out.writes.get(2).contains(ImagesJson.PARTIAL));
    }

    @Test
    void aFailedWriteMeansTheClientLeftAndCancelsTheStream() {
        out.autoComplete = false;
        writer.write(queued(1));
        out.failWrite();
        assertEquals(1, cancelled.get());
        assertFalse(writer.isReady());
        assertTrue(writer.isEnded(), "no heartbeat follows");
    }

    @Test
    void aFailureAfterTheStreamBeganIsAnErrorEventThenTheEnd() {
        writer.write(queued(1));
        writer.fail(new StrobeException(ErrorKind.INTERNAL, "the UNet failed: out of memory"));
        JsonObject e = events().get(0);
        assertEquals("error", e.get("type").getAsString());
        assertEquals(
                "the UNet failed: out of memory",
                e.getAsJsonObject("error").get("message").getAsString());
        assertEquals("server_error", e.getAsJsonObject("error").get("type").getAsString());
        assertTrue(out.last);
    }

    @Test
    void anErrorWhileAWriteIsInFlightWaitsForIt() {
        writer.write(queued(1));
        out.autoComplete = false;
        writer.write(preview(0, 1));
        writer.fail(new StrobeException(ErrorKind.DEADLINE, "the deadline passed while denoising"));
        assertEquals(2, out.writes.size());
        out.completeWrite();
        assertTrue(out.writes.get(2).contains("\"type\":\"error\""), out.writes.get(2));
        assertTrue(out.last);
    }

    @Test
    void aStreamAbandonedByItsReaderIsCutNotWrittenTo() {
        writer.write(queued(1));
        out.autoComplete = false;
        writer.write(image(0, 1)); // the only image is held for done
        writer.write(done());
        assertTrue(out.writeInFlight(), "the client does not take it");
        writer.fail(new StrobeException(ErrorKind.ABANDONED, "the client read nothing for PT30S"));
        assertNotNull(out.aborted, "the exchange is aborted: the server frees the stream");
    }

    @Test
    void aFailureBeforeAnythingWasSentIsAPlainErrorResponse() {
        out.begin(200, "text/event-stream");
        writer.fail(new StrobeException(ErrorKind.QUEUE_FULL, "the queue is full"));
        assertEquals(429, out.status);
        assertEquals("application/json", out.contentType);
        assertEquals("1", out.headers.get("Retry-After"));
        assertEquals(
                "queue_full",
                JsonParser.parseString(out.body.toString())
                        .getAsJsonObject()
                        .getAsJsonObject("error")
                        .get("code")
                        .getAsString());
    }
}
