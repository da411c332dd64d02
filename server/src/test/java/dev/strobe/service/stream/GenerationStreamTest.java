package dev.strobe.service.stream;

import static dev.strobe.service.stream.StreamFixture.decoded;
import static dev.strobe.service.stream.StreamFixture.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport-free stream core, driven step by step: a fake writer with a readiness switch, a
 * direct executor, a fake clock and a manual timer. Every frontend inherits these semantics.
 */
class GenerationStreamTest {
    private static final Timings TIMINGS = new Timings(1, 2, 3, 4, 10, 5, 0);

    private StreamFixture fx = new StreamFixture();
    private final FakeWriter writer = new FakeWriter();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aReadyClientGetsEveryEventInOrderAndTheEndIsReportedOnce() {
        GenerationStream s = fx.started(writer, 2);
        for (int step = 1; step <= 2; step++) {
            s.preview(frame(0, step));
            s.preview(frame(1, step));
        }
        s.image(0, 7, decoded());
        s.image(1, 8, decoded());
        s.done(TIMINGS);
        assertEquals(
                List.of(
                        "queued",
                        "preview 0/1",
                        "preview 1/1",
                        "preview 0/2",
                        "preview 1/2",
                        "image 0 seed 7",
                        "image 1 seed 8",
                        "done req-1",
                        "complete"),
                writer.sent());
        assertEquals(List.of("test req-1 OK timed"), fx.log);
        assertEquals(0, fx.streams.openStreams().count());
        assertEquals(0, fx.timer.pending(), "an ended stream leaves no timer task behind");
    }

    @Test
    void aClientThatReadsNothingHoldsOnlyTheNewestPreviewPerImageAndGetsEverythingReliable() {
        writer.ready = false;
        GenerationStream s = fx.started(writer, 2);
        for (int step = 1; step <= 8; step++) {
            s.preview(frame(0, step));
            s.preview(frame(1, step));
        }
        s.image(0, 7, decoded());
        s.image(1, 8, decoded());
        s.done(TIMINGS);
        assertEquals(List.of(), writer.sent(), "nothing is written while the client is not ready");
        assertEquals(1, fx.streams.openStreams().count(), "the stream is still open");
        writer.becomeReady();
        assertEquals(
                List.of(
                        "queued",
                        "preview 0/8",
                        "preview 1/8",
                        "image 0 seed 7",
                        "image 1 seed 8",
                        "done req-1",
                        "complete"),
                writer.sent());
        assertEquals(List.of("test req-1 OK timed"), fx.log);
    }

    @Test
    void sendingStopsWhenTheClientStopsReadingAndResumesWithTheNewestFrame() {
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        writer.ready = false;
        s.preview(frame(0, 2));
        s.preview(frame(0, 3));
        writer.becomeReady();
        s.preview(frame(0, 4));
        assertEquals(List.of("queued", "preview 0/1", "preview 0/3", "preview 0/4"), writer.sent());
    }

    @Test
    void anErrorReplacesWhatWasNotSentYet() {
        writer.ready = false;
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        s.image(0, 7, decoded());
        s.failed(new StrobeException(ErrorKind.DEADLINE, "the deadline passed while denoising"));
        assertEquals(List.of("fail DEADLINE_EXCEEDED"), writer.sent(), "an error needs no readiness");
        assertEquals("the deadline passed while denoising", writer.failure.getMessage());
        writer.becomeReady();
        s.done(TIMINGS);
        assertEquals(List.of("fail DEADLINE_EXCEEDED"), writer.sent());
        assertEquals(List.of("test req-1 DEADLINE_EXCEEDED: the deadline passed while denoising"), fx.log);
        assertEquals(0, fx.streams.openStreams().count());
    }

    @Test
    void aCancelStopsSendingCancelsTheGenerationAndIsReportedOnce() {
        writer.ready = false;
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        s.cancel();
        s.image(0, 7, decoded());
        s.done(TIMINGS);
        s.failed(new StrobeException(ErrorKind.CANCELLED, "the request was cancelled while denoising"));
        writer.becomeReady();
        s.cancel();
        assertEquals(List.of(), writer.sent());
        assertEquals(List.of("test req-1 CANCELLED: cancelled by the client"), fx.log);
        assertEquals(0, fx.streams.openStreams().count());
        assertEquals(1, fx.batcher.stats().queued(), "the batcher drops it at its next cycle");
    }

    @Test
    void aCancelAfterTheDeadlinePassedIsReportedAsDeadlineExceeded() {
        GenerationStream s = fx.started(writer, 1, fx.now.get() + 1_000_000, PreviewSelection.ALL);
        fx.advanceMillis(2);
        s.cancel();
        assertEquals(
                List.of("test req-1 DEADLINE_EXCEEDED: the client's deadline passed before the stream ended"), fx.log);
    }

    @Test
    void aCancelBeforeAdmissionCancelsTheGenerationOnceAdmittedAndIsReportedOnce() {
        GenerationStream s = fx.streams.open("test");
        s.cancel();
        assertEquals(List.of(), fx.log, "the request is not known yet");
        GenerationService.Admitted a = s.admit(StreamFixture.command(1, 0), null, "", fx.now.get(), Long.MAX_VALUE);
        assertTrue(a.generation().isCancelled(), "the generation is cancelled as soon as it exists");
        assertEquals(List.of("test req-1 CANCELLED: cancelled by the client"), fx.log);
        assertEquals(0, fx.streams.openStreams().count());
        assertEquals(0, fx.timer.pending());
    }

    @Test
    void aRefusalAtAdmissionIsThrownForTheFrontendAndReportedWithTheFieldsAsSent() {
        GenerationStream s = fx.streams.open("test");
        GenerateCommand tooMany = new GenerateCommand(
                "p",
                "",
                256,
                256,
                0,
                null,
                5,
                GenerateCommand.PreviewChoice.NONE,
                0,
                0,
                GenerateCommand.OutputChoice.PNG,
                "req-9");
        StrobeException e =
                assertThrows(StrobeException.class, () -> s.admit(tooMany, null, "", fx.now.get(), Long.MAX_VALUE));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        s.cancel();
        assertEquals(List.of("test req-9 INVALID_ARGUMENT: num_images must be 0 (one image) to 4, got 5"), fx.log);
        assertEquals(0, fx.streams.openStreams().count());
        assertThrows(IllegalStateException.class, () -> s.attach(writer), "a refused stream takes no writer");
    }

    @Test
    void aPreviewThatCannotBeRenderedIsSkipped() {
        fx.unrenderable.add(1);
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        s.preview(frame(0, 2));
        s.image(0, 7, decoded());
        s.done(TIMINGS);
        assertEquals(List.of("queued", "preview 0/2", "image 0 seed 7", "done req-1", "complete"), writer.sent());
    }

    @Test
    void aSelectionKeepsOnlyTheStepsItWantsSoTheyAreNeverDisplaced() {
        writer.ready = false;
        GenerationStream s = fx.started(writer, 1, Long.MAX_VALUE, PreviewSelection.spreadBeforeLast(3));
        for (int step = 1; step <= 8; step++) {
            s.preview(frame(0, step)); // wanted: 2, 4, 6 of 8
            if (step == 2) {
                writer.becomeReady();
                writer.ready = false;
            }
        }
        writer.becomeReady();
        s.image(0, 7, decoded());
        s.done(TIMINGS);
        assertEquals(
                List.of("queued", "preview 0/2", "preview 0/6", "image 0 seed 7", "done req-1", "complete"),
                writer.sent(),
                "step 8, the last, was dropped: it never displaced step 6");
    }

    @Test
    void whenTheOutputExecutorIsShutDownTheStreamEndsUnavailable() {
        fx.close();
        fx = new StreamFixture(
                task -> {
                    throw new RejectedExecutionException("shut down");
                },
                StreamLimits.defaults());
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        assertEquals(List.of("fail UNAVAILABLE"), writer.sent());
        assertTrue(writer.failure.getMessage().contains("shut down"), writer.failure.getMessage());
        assertEquals(1, fx.log.size());
        assertEquals(0, fx.streams.openStreams().count());
    }

    @Test
    void aWriterThatThrowsEndsTheStreamInternalAndCancelsTheGeneration() {
        writer.throwOnWrite = new IllegalStateException("transport bug");
        GenerationStream s = fx.streams.open("test");
        GenerationService.Admitted a = s.admit(StreamFixture.command(1, 0), null, "", fx.now.get(), Long.MAX_VALUE);
        writer.stream = s;
        s.attach(writer);
        assertEquals(List.of("fail INTERNAL"), writer.sent());
        assertTrue(a.generation().isCancelled());
        assertEquals(1, fx.log.size());
        assertTrue(
                fx.log.get(0).startsWith("test req-1 INTERNAL: internal error (IllegalStateException)"), fx.log.get(0));
    }

    // ---- server-side limits: nothing a client does holds memory for ever ----

    @Test
    void aFinishedStreamWhoseClientNeverReadsIsEndedAfterTheIdleLimitAndLetGo() {
        limits(Duration.ofMinutes(10), Duration.ofSeconds(30));
        writer.ready = false;
        GenerationStream s = fx.started(writer, 1);
        s.preview(frame(0, 1));
        s.image(0, 7, decoded());
        fx.advanceMillis(60_000); // generation time does not count: the limit starts when it is finished
        s.done(TIMINGS);
        fx.advanceMillis(29_000);
        assertEquals(List.of(), fx.log, "not yet: 29 s of the 30 s");
        fx.advanceMillis(1_000);
        assertEquals(List.of("fail ABORTED"), writer.sent(), "ended though the client is not ready");
        assertEquals(ErrorKind.ABANDONED, writer.failure.kind());
        assertEquals(1, fx.log.size());
        assertTrue(fx.log.get(0).startsWith("test req-1 ABORTED: the client read nothing for PT30S"), fx.log.get(0));
        assertEquals(0, fx.streams.openStreams().count());
        assertEquals(0, fx.timer.pending(), "nothing keeps the stream alive");
    }

    @Test
    void aSlowClientThatKeepsReadingIsNotCut() {
        limits(Duration.ofMinutes(10), Duration.ofSeconds(30));
        writer.ready = false;
        GenerationStream s = fx.started(writer, 2);
        s.image(0, 7, decoded());
        s.image(1, 8, decoded());
        s.done(TIMINGS);
        for (int i = 1; i <= 3; i++) {
            fx.advanceMillis(20_000); // 20 s between events: slow, but each one resets the idle time
            writer.allow(1);
            assertEquals(i, writer.sent().size(), "one event per read");
        }
        fx.advanceMillis(20_000);
        assertEquals(List.of(), fx.log, "80 s after done, still not cut: it never idled for 30 s");
        writer.allow(1);
        assertEquals(List.of("queued", "image 0 seed 7", "image 1 seed 8", "done req-1", "complete"), writer.sent());
        assertEquals(List.of("test req-1 OK timed"), fx.log);
    }

    @Test
    void aStreamOlderThanTheMaximumAgeIsEndedAndItsGenerationCancelled() {
        limits(Duration.ofSeconds(60), Duration.ofSeconds(30));
        GenerationStream s = fx.streams.open("test");
        GenerationService.Admitted a = s.admit(StreamFixture.command(1, 0), null, "", fx.now.get(), Long.MAX_VALUE);
        writer.stream = s;
        s.attach(writer);
        s.preview(frame(0, 1));
        fx.advanceMillis(59_999);
        assertEquals(List.of("queued", "preview 0/1"), writer.sent());
        fx.advanceMillis(1);
        assertEquals(List.of("queued", "preview 0/1", "fail DEADLINE_EXCEEDED"), writer.sent());
        assertTrue(a.generation().isCancelled(), "the batcher frees its images at the next cycle");
        assertTrue(fx.log.get(0).contains("maximum stream age (PT1M)"), fx.log.get(0));
        assertEquals(0, fx.timer.pending());
    }

    private void limits(Duration maxAge, Duration finishedIdle) {
        fx.close();
        fx = new StreamFixture(Runnable::run, new StreamLimits(maxAge, finishedIdle));
    }
}
