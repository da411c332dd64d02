package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.server.StrobeServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Health over a server's life, in-process: NOT_SERVING while the models warm up, SERVING after,
 * and the drain (NOT_SERVING, new calls UNAVAILABLE, the stream in flight finishes).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingLifecycleTest {
    private static final String MODEL_HEALTH = "strobe.v1.ImageGenerator/tiny-lightning-4step";
    private static String name;
    private static StrobeServer server;
    private static ManagedChannel channel;
    /** Every health answer seen while the server started, in order. */
    private static final List<ServingStatus> duringStart = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        name = InProcessServerBuilder.generateName();
        CompletableFuture<StrobeServer> started = CompletableFuture.supplyAsync(() -> {
            try {
                return TestServers.start(
                        InProcessServerBuilder.forName(name),
                        TestServers.settings(0).toBuilder()
                                .deadlineEstimateFactor(0)
                                .build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Ask until the server is up; a fresh channel each time, so no reconnect backoff hides the
        // window between the edge starting and the warm-up ending.
        while (!started.isDone()) {
            ManagedChannel probe = InProcessChannelBuilder.forName(name).build();
            try {
                duringStart.add(HealthGrpc.newBlockingStub(probe)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder()
                                .setService(MODEL_HEALTH)
                                .build())
                        .getStatus());
            } catch (StatusRuntimeException notYetListening) {
                // the edge has not started yet
            } finally {
                probe.shutdownNow();
            }
            Thread.sleep(20); // the warm-up takes several hundred milliseconds; leave it the CPU
        }
        server = started.get();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    @Test
    @Order(1)
    void healthIsNotServingUntilTheModelsAreWarmThenServing() {
        assertFalse(duringStart.isEmpty(), "the edge answers health checks while the models warm up");
        assertEquals(ServingStatus.NOT_SERVING, duringStart.get(0));
        assertFalse(
                duringStart.contains(ServingStatus.SERVING)
                        && duringStart.indexOf(ServingStatus.SERVING)
                                < duringStart.lastIndexOf(ServingStatus.NOT_SERVING),
                "never back to NOT_SERVING: " + duringStart);
        assertEquals(ServingStatus.SERVING, health(""));
        assertEquals(ServingStatus.SERVING, health(MODEL_HEALTH));
    }

    @Test
    @Order(2)
    void drainingSaysNotServingRefusesNewCallsAndLetsTheStreamInFlightFinish() throws Exception {
        ManualStream inFlight = ManualStream.start(
                channel,
                GenerateRequest.newBuilder()
                        .setPrompt("in flight")
                        .setModel("tiny-lightning-8step")
                        .setWidth(512)
                        .setHeight(512)
                        .setRequestId("in-flight")
                        .build());
        assertEquals(
                GenerateEvent.EventCase.QUEUED,
                inFlight.next(Duration.ofSeconds(30)).getEventCase());
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return server.drainAndStop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (health("") != ServingStatus.NOT_SERVING) {
            assertTrue(System.nanoTime() < end, "health never turned NOT_SERVING");
            Thread.sleep(1);
        }
        assertEquals(ServingStatus.NOT_SERVING, health(MODEL_HEALTH));
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> ImageGeneratorGrpc.newBlockingStub(channel)
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
        assertFalse(drained.isDone(), "the drain waits for the stream in flight");
        List<GenerateEvent> rest = inFlight.readAll(Duration.ofSeconds(30));
        assertEquals(Status.Code.OK, inFlight.status(Duration.ofSeconds(1)).getCode());
        assertEquals("in-flight", rest.get(rest.size() - 1).getDone().getRequestId());
        assertTrue(drained.get(30, TimeUnit.SECONDS), "every stream finished within the drain timeout");
    }

    private static ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
