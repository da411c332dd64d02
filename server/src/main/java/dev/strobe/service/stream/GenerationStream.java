package dev.strobe.service.stream;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.scheduler.PreviewSpec;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import dev.strobe.service.auth.AuthTokens;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation between the batcher and a frontend: the outbox any frontend drains at its own
 * pace, and the owner of the stream's semantics. Results arrive from the device and output
 * threads and never wait: previews are lossy (only the newest frame per image is kept, rendered to
 * JPEG/PNG only when the writer can take it), final images are rendered as they arrive and, with
 * {@code done}, kept in order and always delivered. A drain task on the output executor writes
 * while {@link EventWriter#isReady} and resumes from {@link #onReady}, so a client that reads
 * nothing holds at most one frame per image, its images and {@code done}, and slows nobody else.
 *
 * <p>Order: {@code queued}; previews (each image's newest, lowest image index first; an image's
 * previews before that image); images; {@code done}. A failure replaces whatever was not sent.
 * Every stream ends exactly once, on the first of: completed after {@code done}, failed, refused
 * at admission, cancelled by the client ({@link #cancel}), or ended by a {@link StreamLimits}
 * limit; the end is reported once to the request log and the open-stream count.
 *
 * <p>Lifecycle: {@link GenerationStreams#open}, then {@link #admit} on the request thread (which
 * throws the refusal for the frontend to send in its protocol), then {@link #attach} the writer.
 * Threads: the sink methods run on the device and output threads, {@link #cancel} and
 * {@link #onReady} on transport threads, the limit checks on the timer; every writer call
 * happens in the drain task, one at a time.
 */
public final class GenerationStream implements GenerationSink {
    private static final Logger logger = LoggerFactory.getLogger(GenerationStream.class);

    private final GenerationStreams streams;
    private final String frontend;
    private final StreamOutcome outcome;
    private final PreviewSelection selection;

    private final Object lock = new Object();
    // Guarded by lock.
    private GenerationService.Admitted admission;
    /** Known before the batcher can call the sink (set between prepare and submit). */
    private GenerationSpec spec;

    private StreamEvent queued;
    private final TreeMap<Integer, PreviewFrame> previews = new TreeMap<>();
    private final ArrayDeque<StreamEvent> reliable = new ArrayDeque<>();
    /** Set by done(): the done event follows the images, then the stream completes. */
    private Timings doneTimings;

    private boolean doneSent;
    /** Set by failed() or a limit: replaces everything not sent yet. */
    private StrobeException error;

    private EventWriter writer;
    private boolean drainScheduled;
    /** The client went away (or its deadline passed) before or during admission. */
    private boolean cancelRequested;
    /** No more writer calls. */
    private boolean closed;
    /** The end was reported. */
    private boolean ended;
    /** When the writer last took an event (or was attached), on the service clock. */
    private long lastProgress;
    /** The pending limit checks, cancelled when the stream ends. */
    private StreamTimer.Task ageCheck;

    private StreamTimer.Task idleCheck;

    GenerationStream(GenerationStreams streams, String frontend, PreviewSelection selection) {
        this.streams = streams;
        this.frontend = frontend;
        this.selection = selection;
        this.outcome = new StreamOutcome(streams.log(), streams.openStreams());
    }

    /**
     * Validates and admits the request (request thread).
     *
     * @param grant the caller's token grant when authentication is on, else null
     * @param user the client's end-user id where the protocol has one, else ""
     * @throws StrobeException the refusal, already reported as this stream's end; the frontend
     *     sends it in its protocol
     */
    public GenerationService.Admitted admit(
            GenerateCommand command, AuthTokens.Grant grant, String user, long arrivalNanos, long deadlineNanos) {
        GenerationService.Admitted a;
        try {
            GenerationService.Prepared p = streams.service().prepare(command, grant, arrivalNanos, deadlineNanos);
            synchronized (lock) {
                spec = p.spec();
            }
            a = streams.service().submit(p, this);
        } catch (StrobeException e) {
            refused(command, user, e);
            throw e;
        } catch (RuntimeException | Error e) {
            // A bug, not a refusal: the stream must still end, and be counted as ended, with a sentence.
            logger.error("admitting a {} request failed", frontend, e);
            StrobeException internal = internal(e);
            refused(command, user, internal);
            throw internal;
        }
        boolean cancelNow;
        synchronized (lock) {
            admission = a;
            queued = queuedEvent(a);
            cancelNow = cancelRequested;
        }
        outcome.requestKnown(RequestInfo.admitted(frontend, a.generation().spec(), user));
        if (cancelNow) {
            streams.service().cancel(a.generation());
        }
        StreamTimer.Task t = streams.timer()
                .schedule(this::checkAge, streams.limits().maxAge().toNanos());
        synchronized (lock) {
            ageCheck = t;
            if (ended) {
                t.cancel();
            }
        }
        return a;
    }

    /**
     * The request was refused before it could be read into a command (a body that is not JSON, a
     * field of the wrong type): reported as this stream's end with what is known of it.
     */
    public void refuse(StrobeException e) {
        synchronized (lock) {
            closed = true;
        }
        outcome.requestKnown(new RequestInfo(frontend, "", "", 0, 0, 0, 0, ""));
        ended(e.kind().code(), null, e.getMessage());
    }

    /** Starts sending to the writer, {@code queued} first (request thread, after {@link #admit}). */
    public void attach(EventWriter w) {
        synchronized (lock) {
            if (admission == null) {
                throw new IllegalStateException("attach only after a successful admit");
            }
            writer = w;
            lastProgress = streams.clock().getAsLong();
        }
        scheduleDrain();
    }

    /** The writer can take events again (transport thread). */
    public void onReady() {
        scheduleDrain();
    }

    /**
     * The client went away: drop everything, cancel the generation, report CANCELLED (or
     * DEADLINE_EXCEEDED when the request's deadline had passed). Any thread; idempotent.
     */
    public void cancel() {
        GenerationService.Admitted a;
        synchronized (lock) {
            cancelRequested = true;
            if (closed) {
                return;
            }
            closed = true;
            clearLocked();
            a = admission;
        }
        if (a != null) {
            streams.service().cancel(a.generation());
        }
        boolean expired = a != null
                && streams.clock().getAsLong() >= a.generation().spec().deadlineNanos();
        if (expired) {
            ended(ErrorKind.DEADLINE.code(), null, "the client's deadline passed before the stream ended");
        } else {
            ended(ErrorKind.CANCELLED.code(), null, "cancelled by the client");
        }
    }

    /** True once the stream will make no more writer calls. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    // ---- GenerationSink: the batcher's side ----

    @Override
    public void preview(PreviewFrame frame) {
        if (!selection.wanted(frame.step(), frame.totalSteps())) {
            return; // dropped before it can displace a wanted frame
        }
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            previews.put(frame.imageIndex(), frame); // replaces an older frame the client did not take
        }
        scheduleDrain();
    }

    /** Renders the final image here, on the output thread that delivered it, then queues it. */
    @Override
    public void image(int imageIndex, long seed, DecodedImage image) {
        GenerationSpec s;
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            s = specLocked();
        }
        EncodedImage encoded = streams.codec().encodeFinal(image, s.outputFormat());
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            reliable.addLast(new StreamEvent.FinalImage(imageIndex, seed, encoded));
        }
        scheduleDrain();
    }

    @Override
    public void done(Timings timings) {
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            doneTimings = timings;
        }
        finished();
        scheduleDrain();
    }

    @Override
    public void failed(StrobeException failure) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            clearLocked();
            error = failure;
        }
        finished();
        scheduleDrain();
    }

    // ---- limits ----

    private void finished() {
        scheduleIdleCheck(streams.limits().finishedIdle().toNanos());
    }

    private void scheduleIdleCheck(long delayNanos) {
        StreamTimer.Task t = streams.timer().schedule(this::checkIdle, delayNanos);
        synchronized (lock) {
            idleCheck = t;
            if (ended) {
                t.cancel();
            }
        }
    }

    private void checkAge() {
        end(new StrobeException(
                ErrorKind.DEADLINE,
                "the stream was open longer than the server's maximum stream age ("
                        + streams.limits().maxAge()
                        + "); set a deadline, ask for less work, or retry on a less busy replica"));
    }

    /** Ends a finished stream whose client has taken nothing for the idle limit; else checks again later. */
    private void checkIdle() {
        long idle = streams.limits().finishedIdle().toNanos();
        long waited;
        synchronized (lock) {
            if (closed) {
                return;
            }
            waited = streams.clock().getAsLong() - lastProgress;
        }
        if (waited < idle) {
            scheduleIdleCheck(idle - waited);
            return;
        }
        end(new StrobeException(
                ErrorKind.ABANDONED,
                "the client read nothing for " + streams.limits().finishedIdle()
                        + " after its images were ready; the server ended the stream to free them (read the stream as it"
                        + " arrives)"));
    }

    /** Ends the stream with {@code why} (a limit), cancelling its generation if it still runs. */
    private void end(StrobeException why) {
        GenerationService.Admitted a;
        synchronized (lock) {
            if (closed) {
                return;
            }
            clearLocked();
            error = why;
            a = admission;
        }
        logger.info("ending a {} stream: {}", frontend, why.getMessage());
        if (a != null) {
            streams.service().cancel(a.generation());
        }
        scheduleDrain();
    }

    // ---- the drain task ----

    private void scheduleDrain() {
        synchronized (lock) {
            if (drainScheduled || closed || writer == null) {
                return;
            }
            drainScheduled = true;
        }
        try {
            streams.output().execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The output executor is shut down: the server is stopping. We hold the drain right
            // (drainScheduled), so no other thread calls the writer while we end the stream.
            EventWriter w;
            synchronized (lock) {
                drainScheduled = false;
                if (closed) {
                    return;
                }
                closed = true;
                clearLocked();
                w = writer;
            }
            StrobeException s = new StrobeException(
                    ErrorKind.UNAVAILABLE,
                    "the server shut down before the request finished; retry on another replica");
            try {
                w.fail(s);
            } catch (RuntimeException ignored) {
                // the transport is gone already
            }
            ended(s.kind().code(), null, s.getMessage());
        }
    }

    /** What the drain task does next. */
    private enum Action {
        SEND,
        PREVIEW,
        FAIL,
        COMPLETE
    }

    private void drain() {
        while (true) {
            Action action;
            EventWriter w;
            StreamEvent event = null;
            PreviewFrame frame = null;
            PreviewSpec previewSpec = null;
            StrobeException failure = null;
            Timings timings = null;
            synchronized (lock) {
                w = writer;
                if (closed) {
                    drainScheduled = false;
                    return;
                }
                if (error != null) {
                    closed = true;
                    failure = error;
                    action = Action.FAIL;
                } else if (hasDataLocked()) {
                    if (!w.isReady()) {
                        // onReady schedules the next drain; it takes the lock, so it cannot slip in
                        // between this check and the flag.
                        drainScheduled = false;
                        return;
                    }
                    if (queued != null) {
                        event = queued;
                        queued = null;
                        action = Action.SEND;
                    } else if (!previews.isEmpty()) {
                        Map.Entry<Integer, PreviewFrame> first = previews.pollFirstEntry();
                        frame = first.getValue();
                        previewSpec = specLocked().preview();
                        action = Action.PREVIEW;
                    } else if (!reliable.isEmpty()) {
                        event = reliable.pollFirst();
                        action = Action.SEND;
                    } else {
                        doneSent = true;
                        event = new StreamEvent.Done(doneTimings, specLocked().requestId());
                        action = Action.SEND;
                    }
                    lastProgress = streams.clock().getAsLong();
                } else if (doneSent) {
                    closed = true;
                    timings = doneTimings;
                    action = Action.COMPLETE;
                } else {
                    drainScheduled = false;
                    return;
                }
            }
            if (!perform(w, action, event, frame, previewSpec, failure, timings)) {
                return;
            }
        }
    }

    private boolean hasDataLocked() {
        return queued != null || !previews.isEmpty() || !reliable.isEmpty() || (doneTimings != null && !doneSent);
    }

    /** Does one step outside the lock; false when the stream ended. */
    private boolean perform(
            EventWriter w,
            Action action,
            StreamEvent event,
            PreviewFrame frame,
            PreviewSpec previewSpec,
            StrobeException failure,
            Timings timings) {
        try {
            switch (action) {
                case FAIL -> {
                    w.fail(failure);
                    ended(failure.kind().code(), null, failure.getMessage());
                    return false;
                }
                case COMPLETE -> {
                    w.complete();
                    ended(ErrorKind.OK, timings, "");
                    return false;
                }
                case PREVIEW -> {
                    EncodedImage img;
                    try {
                        img = streams.codec().encodePreview(frame, previewSpec.format(), previewSpec.maxSide());
                    } catch (RuntimeException e) {
                        // Previews are lossy: a frame that cannot be rendered is skipped.
                        logger.warn(
                                "preview of image {} step {} could not be rendered",
                                frame.imageIndex(),
                                frame.step(),
                                e);
                        return true;
                    }
                    w.write(new StreamEvent.Preview(frame.imageIndex(), frame.step(), frame.totalSteps(), img));
                    return true;
                }
                case SEND -> {
                    w.write(event);
                    return true;
                }
                default -> throw new IllegalStateException("unknown action " + action);
            }
        } catch (RuntimeException e) {
            // Writing failed for a reason other than a cancel: end the stream with a sentence.
            logger.error("writing a {} stream failed", frontend, e);
            GenerationService.Admitted a;
            synchronized (lock) {
                closed = true;
                drainScheduled = false;
                clearLocked();
                a = admission;
            }
            if (a != null) {
                streams.service().cancel(a.generation());
            }
            StrobeException s = internal(e);
            try {
                w.fail(s);
            } catch (RuntimeException ignored) {
                // the transport is closed already
            }
            ended(s.kind().code(), null, s.getMessage());
            return false;
        }
    }

    /** Reports the end (once) and cancels the limit checks, so nothing keeps the stream alive. */
    private void ended(String code, Timings timings, String message) {
        StreamTimer.Task age;
        StreamTimer.Task idle;
        synchronized (lock) {
            ended = true;
            age = ageCheck;
            idle = idleCheck;
        }
        if (age != null) {
            age.cancel();
        }
        if (idle != null) {
            idle.cancel();
        }
        outcome.ended(code, timings, message);
    }

    private void refused(GenerateCommand command, String user, StrobeException e) {
        synchronized (lock) {
            closed = true;
        }
        outcome.requestKnown(RequestInfo.refused(frontend, command, user));
        ended(e.kind().code(), null, e.getMessage());
    }

    private void clearLocked() {
        previews.clear();
        reliable.clear();
        queued = null;
    }

    private GenerationSpec specLocked() {
        return spec;
    }

    private static StreamEvent queuedEvent(GenerationService.Admitted a) {
        GenerationSpec s = a.generation().spec();
        return new StreamEvent.Queued(
                a.position(),
                s.requestId(),
                a.tokens().promptTokens(),
                a.tokens().truncated(),
                a.model(),
                s.size().width(),
                s.size().height(),
                a.steps(),
                s.numImages());
    }

    static StrobeException internal(Throwable t) {
        return new StrobeException(
                ErrorKind.INTERNAL,
                "internal error (" + t.getClass().getSimpleName()
                        + "); the server keeps serving, please report it with the request_id",
                t);
    }
}
