package dev.strobe.loadtest.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into UTF-8 lines ending in LF (a CR before it is dropped), in one pass over
 * the bytes. The JDK's {@code BodySubscribers.fromLineSubscriber} rescans its buffer for every
 * chunk, which costs time quadratic in the line's length, and an SSE line holding a base64 image is
 * hundreds of kilobytes: measured under load, it used a quarter of the benchmark's CPU. Not
 * thread-safe: one stream, chunks in order.
 */
final class LineSplitter {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final Consumer<String> onLine;

    LineSplitter(Consumer<String> onLine) {
        this.onLine = onLine;
    }

    void accept(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
            int start = chunk.position();
            int end = start;
            int limit = chunk.limit();
            while (end < limit && chunk.get(end) != '\n') {
                end++;
            }
            copy(chunk, start, end);
            if (end < limit) {
                chunk.position(end + 1);
                emit();
            } else {
                chunk.position(limit);
            }
        }
    }

    /** The stream ended: a last line without its LF, if any. */
    void finish() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void copy(ByteBuffer chunk, int from, int to) {
        if (to == from) {
            return;
        }
        if (chunk.hasArray()) {
            line.write(chunk.array(), chunk.arrayOffset() + from, to - from);
        } else {
            byte[] b = new byte[to - from];
            chunk.get(from, b);
            line.write(b, 0, b.length);
        }
    }

    private void emit() {
        byte[] b = line.toByteArray();
        int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        line.reset();
        onLine.accept(new String(b, 0, n, StandardCharsets.UTF_8));
    }
}
