package dev.strobe.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A response that records what was written and completes each write only when the test says so
 * (a client that reads slowly), or at once when {@link #autoComplete} is on.
 */
final class FakeChannel implements ResponseChannel {
    int status;
    String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();
    final StringBuilder body = new StringBuilder();
    final List<String> writes = new ArrayList<>();
    boolean autoComplete = true;
    boolean last;
    Throwable aborted;
    private final ArrayDeque<Consumer<Throwable>> pending = new ArrayDeque<>();

    @Override
    public synchronized void begin(int s, String type) {
        if (!writes.isEmpty()) {
            throw new IllegalStateException("begin after the first write");
        }
        status = s;
        contentType = type;
    }

    @Override
    public synchronized void header(String name, String value) {
        headers.put(name, value);
    }

    @Override
    public void write(ByteBuffer data, boolean lastWrite, Consumer<Throwable> done) {
        synchronized (this) {
            if (last || aborted != null) {
                throw new IllegalStateException("write after the end");
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException("two writes in flight");
            }
            String text = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
            writes.add(text);
            body.append(text);
            last = lastWrite;
            if (!autoComplete) {
                pending.add(done);
                return;
            }
        }
        done.accept(null);
    }

    /** The client took the write in flight. */
    void completeWrite() {
        Consumer<Throwable> done;
        synchronized (this) {
            done = pending.poll();
        }
        done.accept(null);
    }

    /** The client went away while a write was in flight. */
    void failWrite() {
        Consumer<Throwable> done;
        synchronized (this) {
            done = pending.poll();
        }
        done.accept(new java.io.IOException("broken pipe"));
    }

    synchronized boolean writeInFlight() {
        return !pending.isEmpty();
    }

    @Override
    public synchronized void abort(Throwable cause) {
        aborted = cause;
    }

    @Override
    public synchronized boolean isCommitted() {
        return !writes.isEmpty();
    }

    /** The {@code data:} payloads written so far, in order. */
    synchronized List<String> dataLines() {
        List<String> out = new ArrayList<>();
        for (String line : body.toString().split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }
}
