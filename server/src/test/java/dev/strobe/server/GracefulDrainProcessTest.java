package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.testing.TinyModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real server process ({@code Main serve}) and SIGTERM: health turns NOT_SERVING, a new call
 * is refused with UNAVAILABLE while the streams in flight finish with {@code done}, then the
 * process exits 0 and the port no longer answers.
 */
class GracefulDrainProcessTest {
    private static final Pattern LISTENING = Pattern.compile("strobe listening on port (\\d+)");
    private static final int STREAMS = 8;

    /** One Generate stream that reads at normal speed. */
    static final class Stream implements StreamObserver<GenerateEvent> {
        final List<GenerateEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch queued = new CountDownLatch(1);
        final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(GenerateEvent e) {
            events.add(e);
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
    void sigtermDrainsTheStreamsInFlightRefusesNewCallsAndExitsZero() throws Exception {
        Path serverLog = Path.of("target", "graceful-drain-server.log").toAbsolutePath();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "dev.strobe.server.Main",
                "serve",
                "--port",
                "0",
                "--http-port",
                "0",
                "--host",
                "127.0.0.1",
                "--models",
                TinyModels.dir().toString(),
                "--drain-timeout",
                "60s");
        pb.redirectError(serverLog.toFile());
        Process process = pb.start();
        ManagedChannel channel = null;
        try {
            int port = awaitPort(process);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                Stream s = new Stream();
                ImageGeneratorGrpc.newStub(channel)
                        .withDeadlineAfter(120, TimeUnit.SECONDS)
                        .generate(
                                GenerateRequest.newBuilder()
                                        .setPrompt("stream " + i)
                                        .setModel("tiny-lightning-8step")
                                        .setWidth(512)
                                        .setHeight(512)
                                        .setRequestId("drain-" + i)
                                        .build(),
                                s);
                streams.add(s);
            }
            for (Stream s : streams) {
                assertTrue(s.queued.await(60, TimeUnit.SECONDS), "every stream was admitted");
            }

            process.destroy(); // SIGTERM on Linux and macOS

            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (health.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus()
                    != ServingStatus.NOT_SERVING) {
                assertTrue(System.nanoTime() < end, "health never turned NOT_SERVING after SIGTERM");
                Thread.sleep(5);
            }
            assertFalse(streams.stream().allMatch(s -> s.end.isDone()), "the check ran while streams were in flight");
            ManagedChannel ch = channel;
            StatusRuntimeException refused = assertThrows(
                    StatusRuntimeException.class,
                    () -> ImageGeneratorGrpc.newBlockingStub(ch)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .generate(GenerateRequest.newBuilder()
                                    .setPrompt("too late")
                                    .setWidth(256)
                                    .setHeight(256)
                                    .build())
                            .forEachRemaining(e -> {}));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertTrue(
                    refused.getStatus().getDescription().contains("shutting down"),
                    refused.getStatus().toString());

            for (Stream s : streams) {
                assertEquals(Status.Code.OK, s.end.get(60, TimeUnit.SECONDS).getCode());
                assertTrue(s.events.get(s.events.size() - 1).hasDone(), "every accepted stream ends with done");
                assertEquals(
                        1, s.events.stream().filter(GenerateEvent::hasImage).count());
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process exits after the drain");
            assertEquals(0, process.exitValue());
            assertTrue(Files.readString(serverLog).contains("stopped: every stream finished"));

            // The process is gone: the port refuses connections.
            StatusRuntimeException gone = assertThrows(
                    StatusRuntimeException.class,
                    () -> ImageGeneratorGrpc.newBlockingStub(ch)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .listModels(ListModelsRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, gone.getStatus().getCode());
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            process.destroyForcibly();
        }
    }

    /** Reads the server's stdout until it says where it listens. */
    private static int awaitPort(Process process) throws Exception {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
                throw new IllegalStateException("the server ended before listening, exit " + process.waitFor());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return port.get(120, TimeUnit.SECONDS);
    }
}
