package dev.strobe.http;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The HTTP frontend's narrow seam over the server library's response: a status and headers, then
 * writes, at most one in flight, each reporting when the transport took it. Jetty is behind
 * {@link JettyExchange}; the writers above it are tested with a fake. Thread-safe as Jetty's
 * response is: one write at a time.
 */
interface ResponseChannel {

    /** Sets the status and headers; only before the first write. */
    void begin(int status, String contentType);

    /** Adds a response header; only before the first write. */
    void header(String name, String value);

    /**
     * Writes {@code data}; {@code last} ends the response once it is written. {@code done} gets
     * null on success or the failure (a client that went away).
     */
    void write(ByteBuffer data, boolean last, Consumer<Throwable> done);

    /** Ends the exchange abnormally (the client sees a reset stream or a closed connection). */
    void abort(Throwable cause);

    /** Whether the status and headers were sent already. */
    boolean isCommitted();
}
