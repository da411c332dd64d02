package dev.strobe.http;

import com.google.gson.JsonObject;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.service.stream.EventWriter;
import dev.strobe.service.stream.StreamEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A generation stream as OpenAI's Images API streams it: Server-Sent Events whose {@code data:}
 * is one JSON object with its {@code type} inside (the official SDKs dispatch on it and ignore
 * comments; no {@code event:} lines, which the Node SDK would wrap): an
 * {@code image_generation.partial_image} per preview, an {@code image_generation.completed} per
 * final image (the last one carries strobe's timings, so it waits for {@code done}), and on failure
 * a {@code {"type": "error", "error": {...}}} event, then the end. {@code queued} is a comment.
 *
 * <p>Flow control: one write in flight at a time, later events queued behind it up to
 * {@link #READY_THRESHOLD_BYTES}; above that the writer is not ready until the transport took
 * enough, which resumes the stream. A client that reads slowly therefore loses old previews, never
 * final images. When
 * nothing was written for the heartbeat interval a comment is sent, so idle proxies keep the
 * connection. A write that fails means the client went away: the stream is cancelled.
 *
 * <p>Threads: the stream's drain task calls the {@link EventWriter} methods one at a time; write
 * completions arrive on Jetty's threads and heartbeats on the timer; state is guarded by this.
 */
final class SseEventWriter implements EventWriter {
    private static final ByteBuffer HEARTBEAT = ByteBuffer.wrap(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
    /**
     * Bytes that may wait unwritten before the writer says it is not ready (like gRPC's on-ready
     * threshold): a client that keeps up gets every event, one that falls behind holds at most
     * this much here, and newer previews replace older ones in the stream's outbox instead.
     */
    static final int READY_THRESHOLD_BYTES = 16 * 1024;

    private final ResponseChannel out;
    private final LongSupplier clock;
    private final long heartbeatNanos;
    private final Map<Integer, Integer> partials = new HashMap<>();
    /** Resumes the stream's drain when the transport can take more; cancels it when the client left. */
    private Runnable resume = () -> {};

    private Runnable clientGone = () -> {};

    // Guarded by this.
    /** Events accepted and not yet written, in order; the head is in flight when {@link #writing}. */
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    /** Bytes accepted and not yet confirmed written (queued and in flight). */
    private long pendingBytes;

    private boolean writing;
    /** Runs once everything accepted is written: the end of the response. */
    private Runnable whenIdle;

    private boolean ended;
    private long lastWrite;

    // Drain task only.
    private StreamEvent.Queued queued;
    private StreamEvent.FinalImage heldLast;
    private int images;

    SseEventWriter(ResponseChannel out, LongSupplier clock, Duration heartbeat) {
        this.out = out;
        this.clock = clock;
        this.heartbeatNanos = heartbeat.toNanos();
        this.lastWrite = clock.getAsLong();
    }

    /** What to call when a write completed (the stream's onReady) and when the client left (its cancel). */
    void bind(Runnable onReady, Runnable onClientGone) {
        this.resume = onReady;
        this.clientGone = onClientGone;
    }

    @Override
    public synchronized boolean isReady() {
        return !ended && pendingBytes < READY_THRESHOLD_BYTES;
    }

    @Override
    public void write(StreamEvent event) {
        if (event instanceof StreamEvent.Queued q) {
            queued = q;
            send(comment("queued position=" + q.position() + " model=" + q.model() + " size="
                    + ImagesRequest.size(q.width(), q.height()) + " steps=" + q.steps() + " images=" + q.numImages()));
        } else if (event instanceof StreamEvent.Preview p) {
            int index = partials.merge(p.imageIndex(), 1, Integer::sum) - 1;
            send(data(ImagesJson.partial(p, index, size(), now())));
        } else if (event instanceof StreamEvent.FinalImage i) {
            images++;
            if (images == queued.numImages()) {
                heldLast = i; // sent with done's timings, a moment later
                return;
            }
            send(data(ImagesJson.completed(i, size(), now(), queued, null)));
        } else if (event instanceof StreamEvent.Done d) {
            send(data(ImagesJson.completed(heldLast, size(), now(), queued, d)));
        }
    }

    @Override
    public void complete() {
        finish(() -> out.write(ByteBuffer.allocate(0), true, x -> {}));
    }

    @Override
    public void fail(StrobeException error) {
        if (!out.isCommitted()) {
            // Nothing sent yet (a limit hit before queued went out): a plain error response.
            finish(() -> HttpErrors.respond(out, error));
            return;
        }
        JsonObject event = HttpErrors.body(error);
        event.addProperty("type", "error");
        ByteBuffer bytes = data(event);
        if (error.kind() == ErrorKind.ABANDONED) {
            // The client stopped reading: it cannot take the error event either, so cut the stream.
            synchronized (this) {
                ended = true;
            }
            out.abort(error);
            return;
        }
        finish(() -> out.write(bytes, true, x -> {}));
    }

    /** Sends a heartbeat comment if nothing was written for the interval (timer thread). */
    void heartbeat() {
        synchronized (this) {
            if (writing || !queue.isEmpty() || ended || clock.getAsLong() - lastWrite < heartbeatNanos) {
                return;
            }
        }
        send(HEARTBEAT.duplicate());
    }

    /** When the next heartbeat check is due, in nanoseconds from now. */
    synchronized long nextHeartbeatIn() {
        return Math.max(0, lastWrite + heartbeatNanos - clock.getAsLong());
    }

    synchronized boolean isEnded() {
        return ended;
    }

    /** Queues {@code bytes}; writes it now when nothing is in flight (one write at a time). */
    private void send(ByteBuffer bytes) {
        ByteBuffer now;
        synchronized (this) {
            if (ended) {
                return;
            }
            queue.addLast(bytes);
            pendingBytes += bytes.remaining();
            if (writing) {
                return;
            }
            writing = true;
            now = queue.peekFirst();
        }
        transmit(now);
    }

    private void transmit(ByteBuffer bytes) {
        out.write(bytes.duplicate(), false, this::written);
    }

    private void written(Throwable failure) {
        if (failure != null) {
            synchronized (this) {
                ended = true;
                writing = false;
                queue.clear();
                pendingBytes = 0;
            }
            clientGone.run(); // the client went away
            return;
        }
        ByteBuffer next;
        Runnable end = null;
        boolean room;
        synchronized (this) {
            lastWrite = clock.getAsLong();
            ByteBuffer done = queue.pollFirst();
            pendingBytes -= done.remaining();
            next = queue.peekFirst();
            if (next == null) {
                writing = false;
                end = whenIdle;
                whenIdle = null;
            }
            room = !ended && pendingBytes < READY_THRESHOLD_BYTES;
        }
        if (next != null) {
            transmit(next);
        } else if (end != null) {
            end.run();
        }
        if (room) {
            resume.run();
        }
    }

    /** Runs the last write once everything accepted is written; accepts nothing after. */
    private void finish(Runnable last) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (writing) {
                whenIdle = last;
                return;
            }
        }
        last.run();
    }

    private String size() {
        return ImagesRequest.size(queued.width(), queued.height());
    }

    private long now() {
        return System.currentTimeMillis() / 1000;
    }

    static ByteBuffer data(JsonObject o) {
        return utf8("data: " + o + "\n\n");
    }

    private static ByteBuffer comment(String text) {
        return utf8(": " + text.replace('\n', ' ').replace('\r', ' ') + "\n\n");
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
