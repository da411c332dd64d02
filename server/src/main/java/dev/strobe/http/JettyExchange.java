package dev.strobe.http;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@link ResponseChannel} over one Jetty exchange: the response, and the handler's callback that
 * Jetty must get exactly once (succeeded after the last write, failed on abort).
 */
final class JettyExchange implements ResponseChannel {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean completed = new AtomicBoolean();

    JettyExchange(Response response, Callback callback) {
        this.response = response;
        this.callback = callback;
    }

    @Override
    public void begin(int status, String contentType) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }

    @Override
    public void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    @Override
    public void write(ByteBuffer data, boolean last, Consumer<Throwable> done) {
        response.write(last, data, new Callback() {
            @Override
            public void succeeded() {
                if (last && completed.compareAndSet(false, true)) {
                    callback.succeeded();
                }
                done.accept(null);
            }

            @Override
            public void failed(Throwable x) {
                if (completed.compareAndSet(false, true)) {
                    callback.failed(x);
                }
                done.accept(x);
            }
        });
    }

    @Override
    public void abort(Throwable cause) {
        if (completed.compareAndSet(false, true)) {
            callback.failed(cause);
        }
    }

    @Override
    public boolean isCommitted() {
        return response.isCommitted();
    }
}
