package dev.strobe.client.balancing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.client.GenerationResult;
import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.client.testing.FakeImageGenerator;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client over three fake replicas on loopback with a list target: calls are spread over every
 * replica whose health says SERVING, a NOT_SERVING replica gets none, and a request refused with
 * RESOURCE_EXHAUSTED by a full replica is retried on another one.
 */
class BalancedStrobeClientTest {

    /** One fake replica: the scripted ImageGenerator and a health service. */
    private static final class Replica {
        final FakeImageGenerator fake = new FakeImageGenerator();
        final HealthStatusManager health = new HealthStatusManager();
        final ServingStatus status;
        final Server server;

        Replica(ServingStatus status) throws Exception {
            this.status = status;
            health.setStatus(ChannelTarget.HEALTH_SERVICE, status);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(fake)
                    .addService(health.getHealthService())
                    .build()
                    .start();
        }

        String address() {
            return "127.0.0.1:" + server.getPort();
        }

        boolean serving() {
            return status == ServingStatus.SERVING;
        }
    }

    private final List<Replica> replicas = new ArrayList<>();
    private StrobeClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        for (Replica r : replicas) {
            r.server.shutdownNow().awaitTermination();
        }
    }

    @Test
    void callsAreSpreadOverEveryServingReplica() throws Exception {
        start(ServingStatus.SERVING, ServingStatus.SERVING, ServingStatus.SERVING);
        StrobeClient c = client(RetryPolicy.noRetries());
        awaitEveryServingReplicaPicked(c);

        for (int i = 0; i < 30; i++) {
            c.generate(request(i));
        }

        for (Replica r : replicas) {
            // round_robin over three ready connections: sequential calls take turns.
            assertEquals(10, r.fake.generateCalls(), "calls per replica");
        }
    }

    @Test
    void aReplicaWhoseHealthIsNotServingGetsNoCall() throws Exception {
        start(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
        StrobeClient c = client(RetryPolicy.noRetries());
        awaitEveryServingReplicaPicked(c);

        for (int i = 0; i < 20; i++) {
            c.generate(request(i));
        }

        assertEquals(
                0, replicas.get(1).fake.generateCalls() + replicas.get(1).fake.listModelsCalls());
        assertEquals(10, replicas.get(0).fake.generateCalls());
        assertEquals(10, replicas.get(2).fake.generateCalls());
    }

    @Test
    void aRequestAFullReplicaRefusesIsRetriedOnAnother() throws Exception {
        start(ServingStatus.SERVING, ServingStatus.SERVING, ServingStatus.SERVING);
        Replica full = replicas.get(0);
        for (int i = 0; i < 100; i++) {
            full.fake.then(FakeImageGenerator.fail(Status.RESOURCE_EXHAUSTED.withDescription("the queue is full")));
        }
        StrobeClient c = client(new RetryPolicy(
                4,
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                2.0,
                RetryPolicy.defaults().retryableCodes()));
        awaitEveryServingReplicaPicked(c);

        int retried = 0;
        for (int i = 0; i < 12; i++) {
            GenerationResult result = c.generate(request(i));
            assertEquals(1, result.images().size());
            if (result.attempts() > 1) {
                retried++;
            }
        }

        assertTrue(full.fake.generateCalls() > 0, "the full replica was picked");
        assertEquals(full.fake.generateCalls(), retried, "each refusal was retried once, on another replica");
        assertEquals(
                12, replicas.get(1).fake.generateCalls() + replicas.get(2).fake.generateCalls());
    }

    private void start(ServingStatus... statuses) throws Exception {
        for (ServingStatus s : statuses) {
            replicas.add(new Replica(s));
        }
    }

    private StrobeClient client(RetryPolicy retries) {
        String target = replicas.stream().map(Replica::address).collect(Collectors.joining(","));
        client = StrobeClient.builder()
                .target(target)
                .defaultDeadline(Duration.ofSeconds(30))
                .retryPolicy(retries)
                .jitterSource(() -> 0.0)
                .build();
        return client;
    }

    /**
     * Calls ListModels until every SERVING replica answered one, so all their connections are ready
     * and round_robin takes them in turn; then resets nothing (the tests count Generate calls only).
     */
    private void awaitEveryServingReplicaPicked(StrobeClient c) {
        for (int i = 0; i < 300 && replicas.stream().anyMatch(r -> r.serving() && r.fake.listModelsCalls() == 0); i++) {
            c.listModels();
        }
        for (Replica r : replicas) {
            if (r.serving()) {
                assertTrue(r.fake.listModelsCalls() > 0, "replica " + r.address() + " was never picked");
            }
        }
    }

    private static GenerateRequest request(int i) {
        return GenerateRequest.newBuilder().setPrompt("replica test " + i).build();
    }
}
