package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Generate call with manual flow control: it asks for no message until the test says so, so the
 * server sees a client that reads nothing. Driven from the test thread only.
 */
final class ManualStream {
    private final ClientCall<GenerateRequest, GenerateEvent> call;
    private final LinkedBlockingQueue<GenerateEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();

    private ManualStream(ClientCall<GenerateRequest, GenerateEvent> call) {
        this.call = call;
    }

    static ManualStream start(Channel channel, GenerateRequest request) {
        return start(channel, request, CallOptions.DEFAULT);
    }

    static ManualStream start(Channel channel, GenerateRequest request, CallOptions options) {
        ManualStream s = new ManualStream(channel.newCall(ImageGeneratorGrpc.getGenerateMethod(), options));
        s.call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(GenerateEvent message) {
                        s.events.add(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        s.closed.complete(status);
                    }
                },
                new Metadata());
        s.call.sendMessage(request);
        s.call.halfClose();
        return s;
    }

    /** Starts reading: every event the server has or will send is delivered. */
    void readEverything() {
        call.request(Integer.MAX_VALUE);
    }

    /** Reads one event, waiting up to the timeout; null when none came. */
    GenerateEvent next(Duration timeout) throws InterruptedException {
        call.request(1);
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads to the end of the stream and returns every event received. */
    List<GenerateEvent> readAll(Duration timeout) throws Exception {
        readEverything();
        closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<GenerateEvent> all = new ArrayList<>();
        events.drainTo(all);
        return all;
    }

    /** The final status (after readAll or cancel). */
    Status status(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    void cancel() {
        call.cancel("cancelled by the test", null);
    }
}
