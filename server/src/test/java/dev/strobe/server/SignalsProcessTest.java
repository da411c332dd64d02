package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM at every moment of the real server process: while the models load, while they warm up
 * (the process stops promptly, exits 0 and says what it interrupted), and twice during a drain
 * (the second one stops at once with status 143, 128 + SIGTERM's number).
 */
class SignalsProcessTest {

    @Test
    void sigtermWhileTheModelsLoadExitsZeroAndSaysWhatItInterrupted() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            server.await("loading model \\S+ \\(1 of \\d+\\)", 120);
            server.terminate();
            assertEquals(0, server.awaitExit(20), server.output());
            server.await("SIGTERM during start-up: interrupted loading the models: \\d+ of \\d+ loaded", 1);
            assertFalse(server.output().contains("strobe listening"), "it never served");
        }
    }

    @Test
    void sigtermDuringWarmUpExitsZeroAndSaysWhatItInterrupted() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            server.await("warming up \\S+ at", 120);
            server.terminate();
            assertEquals(0, server.awaitExit(20), server.output());
            server.await("SIGTERM during start-up: interrupted warming up", 1);
            assertFalse(server.output().contains("strobe listening"), "it never served");
        }
    }

    /** One Generate stream; ends with its status. */
    static final class Stream implements StreamObserver<GenerateEvent> {
        final CountDownLatch queued = new CountDownLatch(1);
        final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(GenerateEvent e) {
            queued.countDown();
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }
    }

    @Test
    void aSecondSigtermDuringTheDrainStopsAtOnceWithStatus143() throws Exception {
        try (ServerProcess server = ServerProcess.start("--drain-timeout", "120s", "--no-warmup")) {
            int port = server.awaitPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            try {
                List<Stream> streams = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Stream s = new Stream();
                    ImageGeneratorGrpc.newStub(channel)
                            .withDeadlineAfter(300, TimeUnit.SECONDS)
                            .generate(
                                    GenerateRequest.newBuilder()
                                            .setPrompt("long " + i)
                                            .setModel("tiny-lightning-8step")
                                            .setWidth(1024)
                                            .setHeight(1024)
                                            .setNumImages(4)
                                            .build(),
                                    s);
                    streams.add(s);
                }
                for (Stream s : streams) {
                    assertTrue(s.queued.await(60, TimeUnit.SECONDS), "every stream was admitted");
                }
                server.terminate();
                server.await("draining: health NOT_SERVING", 20);
                assertTrue(server.output().lines().noneMatch(l -> l.contains("stopped:")), "the drain is still on");
                server.terminate();
                assertEquals(143, server.awaitExit(10), server.output());
                server.await("second signal \\(SIGTERM\\) during the drain: stopping at once with status 143", 1);
                for (Stream s : streams) {
                    assertNotEquals(
                            Status.Code.OK,
                            s.end.get(30, TimeUnit.SECONDS).getCode(),
                            "the streams in flight were cut");
                }
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
