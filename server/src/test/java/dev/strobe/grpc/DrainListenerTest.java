package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drain on the real Netty transport, as a balancer sees it: the listening socket closes when the
 * drain starts (a proxy's next connection is refused, so it tries another replica) while connections
 * already open keep their health answers and streams; during {@code --drain-delay} those connections
 * still get new requests served.
 */
class DrainListenerTest {
    private static final String MODEL = "tiny-lightning-4step";

    private StrobeServer server;
    private ManagedChannel channel;
    private final ExecutorService drainThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start(
                null,
                TestServers.settings(0).toBuilder()
                        .host("127.0.0.1")
                        .deadlineEstimateFactor(0)
                        .build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        // Open the connection before the drain: it is the "already open" one.
        ImageGeneratorGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance());
    }

    @AfterEach
    void stop() {
        drainThread.shutdownNow();
        channel.shutdownNow();
        server.close();
    }

    @Test
    void theDrainRefusesNewConnectionsWhileTheOpenOneKeepsHealthAndItsStream() throws Exception {
        int port = server.port();
        ManualStream inFlight = ManualStream.start(channel, request("in flight", 512));
        assertEquals(
                GenerateEvent.EventCase.QUEUED,
                inFlight.next(Duration.ofSeconds(30)).getEventCase());

        Future<Boolean> drained = drainThread.submit(() -> server.drainAndStop());
        awaitNotServing();

        assertThrows(
                ConnectException.class,
                () -> new Socket("127.0.0.1", port).close(),
                "a new connection is refused once the drain started");
        List<GenerateEvent> rest = inFlight.readAll(Duration.ofSeconds(60));
        assertEquals(Status.Code.OK, inFlight.status(Duration.ofSeconds(5)).getCode());
        assertTrue(rest.get(rest.size() - 1).hasDone(), "the stream in flight ends with done");
        assertTrue(drained.get(60, TimeUnit.SECONDS), "every stream finished within the drain timeout");
    }

    @Test
    void duringTheDrainDelayTheOpenConnectionStillGetsNewRequestsServed() throws Exception {
        int port = server.port();
        // The delay is far longer than this test; the test ends the drain by interrupting it.
        Future<Boolean> drain = drainThread.submit(() -> server.drainAndStop(Duration.ofMinutes(5)));
        awaitNotServing();

        List<GenerateEvent> events = new ArrayList<>();
        Iterator<GenerateEvent> stream = ImageGeneratorGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(request("after SIGTERM", 256));
        stream.forEachRemaining(events::add);

        assertTrue(events.get(events.size() - 1).hasDone(), "a request sent during the delay is served: " + events);
        assertEquals(1, events.stream().filter(GenerateEvent::hasImage).count());
        assertTrue(server.service().batcher().accepting(), "admission stays open during the delay");
        assertThrows(
                ConnectException.class,
                () -> new Socket("127.0.0.1", port).close(),
                "new connections are refused during the delay");
        assertFalse(drain.isDone(), "the drain is still in its delay");
        drain.cancel(true);
    }

    private void awaitNotServing() throws InterruptedException {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (health.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus()
                != ServingStatus.NOT_SERVING) {
            assertTrue(System.nanoTime() < end, "health never turned NOT_SERVING after the drain started");
            Thread.sleep(5);
        }
    }

    private static GenerateRequest request(String prompt, int side) {
        return GenerateRequest.newBuilder()
                .setPrompt(prompt)
                .setModel(MODEL)
                .setWidth(side)
                .setHeight(side)
                .setRequestId(prompt.replace(' ', '-'))
                .build();
    }
}
