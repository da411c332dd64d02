package dev.strobe.optimum;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs Generate streams in a chain: each request starts the moment the one before it delivers its
 * first preview, from that stream's callback, so the requests sit at different denoising steps at
 * the same time. Every event gets a number in order of arrival across all streams, so a test can
 * tell whether the streams overlapped. Events arrive on gRPC's threads; a call's fields are read
 * only after its {@code done} future completes.
 */
final class Streams {
    private final ImageGeneratorGrpc.ImageGeneratorStub stub;
    private final AtomicLong arrivals = new AtomicLong();

    Streams(ImageGeneratorGrpc.ImageGeneratorStub stub) {
        this.stub = stub;
    }

    /** One stream: its events once it ends well, and the arrival numbers of its milestones. */
    static final class Call {
        final GenerateRequest request;
        final CompletableFuture<List<GenerateEvent>> done = new CompletableFuture<>();
        private final List<GenerateEvent> events = new ArrayList<>();
        private volatile long firstPreview = -1;
        private volatile long end = -1;

        Call(GenerateRequest request) {
            this.request = request;
        }

        /** Arrival number of the first preview. */
        long firstPreview() {
            return firstPreview;
        }

        /** Arrival number of the last event. */
        long end() {
            return end;
        }
    }

    /** Starts the chain; returns the calls in request order (later ones start later). */
    List<Call> chain(List<GenerateRequest> requests) {
        List<Call> calls = new ArrayList<>();
        for (GenerateRequest r : requests) {
            calls.add(new Call(r));
        }
        start(calls, 0);
        return calls;
    }

    private void start(List<Call> calls, int i) {
        Call call = calls.get(i);
        stub.withDeadlineAfter(60, TimeUnit.SECONDS).generate(call.request, new StreamObserver<>() {
            @Override
            public void onNext(GenerateEvent e) {
                long n = arrivals.incrementAndGet();
                call.events.add(e);
                if (e.hasPreview() && call.firstPreview < 0) {
                    call.firstPreview = n;
                    if (i + 1 < calls.size()) {
                        start(calls, i + 1);
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                call.end = arrivals.incrementAndGet();
                call.done.completeExceptionally(t);
                for (int j = i + 1; j < calls.size() && call.firstPreview < 0; j++) {
                    calls.get(j).done.completeExceptionally(new IllegalStateException("not started: " + t));
                }
            }

            @Override
            public void onCompleted() {
                call.end = arrivals.get();
                call.done.complete(call.events);
            }
        });
    }
}
