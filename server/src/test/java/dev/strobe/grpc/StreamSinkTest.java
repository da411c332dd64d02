package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.Queued;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.PreviewSpec;
import dev.strobe.scheduler.Timings;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The outbox of one stream, driven step by step with a fake call and a direct executor. */
class StreamSinkTest {
    private static final PreviewSpec PREVIEWS = new PreviewSpec(true, ImageFormat.JPEG, 0, 1);
    private static final Timings TIMINGS = new Timings(1, 2, 3, 4, 10, 5, 0);
    private static final RequestInfo INFO = new RequestInfo("req-1", "tiny", 256, 256, 2, 3);

    private final FakeServerCall call = new FakeServerCall();
    private final List<String> log = new ArrayList<>();
    private final OpenStreams streams = new OpenStreams();
    private boolean deadlineExpired;
    /** Steps whose preview fails to render. */
    private final List<Integer> unrenderable = new ArrayList<>();

    private final ImageCodec codec = new ImageCodec() {
        @Override
        public EncodedImage encodeFinal(DecodedImage image, ImageFormat format) {
            throw new UnsupportedOperationException("the sink never encodes final images");
        }

        @Override
        public EncodedImage encodePreview(PreviewFrame frame, ImageFormat format, int maxSide) {
            if (unrenderable.contains(frame.step())) {
                throw new IllegalStateException("cannot render");
            }
            return new EncodedImage(format, 1, 1, new byte[] {(byte) frame.step()});
        }
    };

    private StreamSink sink(Executor executor) {
        streams.opened();
        return new StreamSink(call, executor, codec, (r, code, t, message) ->
                log.add(r.requestId() + " " + code + (t != null ? " timed" : "") + (message.isEmpty() ? "" : ": " + message)),
                streams, () -> deadlineExpired);
    }

    private StreamSink started() {
        StreamSink s = sink(Runnable::run);
        call.setOnReadyHandler(s::onReady);
        s.start(queued(), PREVIEWS, INFO);
        return s;
    }

    private static GenerateEvent queued() {
        return GenerateEvent.newBuilder().setQueued(Queued.newBuilder().setRequestId("req-1")).build();
    }

    private static PreviewFrame frame(int image, int step) {
        return new PreviewFrame(image, step, 8, 4, 1, 1, new float[4]);
    }

    private static EncodedImage png() {
        return new EncodedImage(ImageFormat.PNG, 256, 256, new byte[] {1, 2, 3});
    }

    @Test
    void aReadyClientGetsEveryEventInOrderAndTheEndIsReportedOnce() {
        StreamSink s = started();
        for (int step = 1; step <= 2; step++) {
            s.preview(frame(0, step));
            s.preview(frame(1, step));
        }
        s.image(0, 7, png());
        s.image(1, 8, png());
        s.done(TIMINGS);
        assertEquals(List.of("queued", "preview 0/1", "preview 1/1", "preview 0/2", "preview 1/2", "image 0", "image 1",
                "done", "closed OK"), call.sentKinds());
        assertEquals("req-1", call.sent.get(call.sent.size() - 1).getDone().getRequestId());
        assertEquals(List.of("req-1 OK timed"), log);
        assertEquals(0, streams.count());
    }

    @Test
    void aClientThatReadsNothingHoldsOnlyTheNewestPreviewPerImageAndGetsEverythingReliable() {
        call.ready = false;
        StreamSink s = started();
        for (int step = 1; step <= 8; step++) {
            s.preview(frame(0, step));
            s.preview(frame(1, step));
        }
        s.image(0, 7, png());
        s.image(1, 8, png());
        s.done(TIMINGS);
        assertEquals(List.of(), call.sentKinds(), "nothing is sent while the client is not ready");
        assertEquals(1, streams.count(), "the stream is still open");
        call.becomeReady();
        assertEquals(List.of("queued", "preview 0/8", "preview 1/8", "image 0", "image 1", "done", "closed OK"),
                call.sentKinds());
        assertEquals(List.of("req-1 OK timed"), log);
    }

    @Test
    void sendingStopsWhenTheClientStopsReadingAndResumesWithTheNewestFrame() {
        StreamSink s = started();
        s.preview(frame(0, 1));
        call.ready = false;
        s.preview(frame(0, 2));
        s.preview(frame(0, 3));
        call.becomeReady();
        s.preview(frame(0, 4));
        assertEquals(List.of("queued", "preview 0/1", "preview 0/3", "preview 0/4"), call.sentKinds());
    }

    @Test
    void anErrorReplacesWhatWasNotSentYet() {
        call.ready = false;
        StreamSink s = started();
        s.preview(frame(0, 1));
        s.image(0, 7, png());
        s.failed(new StrobeException(ErrorKind.DEADLINE, "the deadline passed while denoising"));
        assertEquals(List.of("closed DEADLINE_EXCEEDED"), call.sentKinds(), "an error needs no readiness");
        assertEquals("the deadline passed while denoising", call.closedWith.getDescription());
        call.becomeReady();
        s.done(TIMINGS);
        assertEquals(List.of("closed DEADLINE_EXCEEDED"), call.sentKinds());
        assertEquals(List.of("req-1 DEADLINE_EXCEEDED: the deadline passed while denoising"), log);
        assertEquals(0, streams.count());
    }

    @Test
    void aCancelStopsSendingAndIsReportedOnce() {
        call.ready = false;
        StreamSink s = started();
        s.preview(frame(0, 1));
        s.cancelled();
        s.image(0, 7, png());
        s.done(TIMINGS);
        s.failed(new StrobeException(ErrorKind.CANCELLED, "the request was cancelled while denoising"));
        call.becomeReady();
        assertEquals(List.of(), call.sentKinds());
        assertEquals(List.of("req-1 CANCELLED: cancelled by the client"), log);
        assertEquals(0, streams.count());
    }

    @Test
    void aCancelAfterTheDeadlinePassedIsReportedAsDeadlineExceeded() {
        StreamSink s = started();
        deadlineExpired = true;
        s.cancelled();
        assertEquals(List.of("req-1 DEADLINE_EXCEEDED: the client's deadline passed before the stream ended"), log);
    }

    @Test
    void aCancelDuringAdmissionIsReportedOnceTheRequestIsKnown() {
        StreamSink s = sink(Runnable::run);
        s.cancelled();
        assertEquals(List.of(), log, "the request is not known yet");
        s.start(queued(), PREVIEWS, INFO);
        assertEquals(List.of("req-1 CANCELLED: cancelled by the client"), log);
        assertEquals(List.of(), call.sentKinds());
        assertEquals(0, streams.count());
    }

    @Test
    void aRefusalEndsTheStreamAtOnce() {
        StreamSink s = sink(Runnable::run);
        s.refuse(INFO, Status.INVALID_ARGUMENT.withDescription("num_images must be 0 (one image) to 4, got 5"));
        s.cancelled();
        assertEquals(List.of("closed INVALID_ARGUMENT"), call.sentKinds());
        assertEquals(List.of("req-1 INVALID_ARGUMENT: num_images must be 0 (one image) to 4, got 5"), log);
        assertEquals(0, streams.count());
    }

    @Test
    void aPreviewThatCannotBeRenderedIsSkipped() {
        unrenderable.add(1);
        StreamSink s = started();
        s.preview(frame(0, 1));
        s.preview(frame(0, 2));
        s.image(0, 7, png());
        s.done(TIMINGS);
        assertEquals(List.of("queued", "preview 0/2", "image 0", "done", "closed OK"), call.sentKinds());
    }

    @Test
    void whenTheOutputExecutorIsShutDownTheStreamEndsUnavailable() {
        StreamSink s = sink(task -> {
            throw new RejectedExecutionException("shut down");
        });
        s.start(queued(), PREVIEWS, INFO);
        s.preview(frame(0, 1));
        assertEquals(List.of("closed UNAVAILABLE"), call.sentKinds());
        assertTrue(call.closedWith.getDescription().contains("shut down"), call.closedWith.toString());
        assertEquals(1, log.size());
        assertEquals(0, streams.count());
    }
}
