package dev.strobe.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load driver against two fake replicas given as a target list: the load is spread over both, and
 * with {@code --retries} the requests one replica sheds are retried (on the other replica) instead of
 * being counted as errors.
 */
class LoadtestReplicasTest {

    private final List<Server> servers = new ArrayList<>();
    private final List<FakeGeneratorService> fakes = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        for (Server s : servers) {
            s.shutdownNow().awaitTermination();
        }
        for (FakeGeneratorService f : fakes) {
            f.close();
        }
    }

    /** Starts a replica that sheds every {@code shedEvery}-th request (0: none); returns host:port. */
    private String replica(int shedEvery) throws Exception {
        FakeGeneratorService fake = new FakeGeneratorService(5, shedEvery);
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("strobe.v1.ImageGenerator", ServingStatus.SERVING);
        Server server = NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(fake)
                .addService(health.getHealthService())
                .build()
                .start();
        fakes.add(fake);
        servers.add(server);
        return "127.0.0.1:" + server.getPort();
    }

    private JsonObject run(String... args) {
        int code = LoadtestMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    @Test
    void aTargetListSpreadsTheLoadAndRetriesMoveShedRequestsToTheOtherReplica() throws Exception {
        String targets = replica(2) + "," + replica(0);

        JsonObject json = run(
                "--target",
                targets,
                "--concurrency",
                "4",
                "--duration",
                "1s",
                "--warmup",
                "0s",
                "--retries",
                "5",
                "--steps",
                "2");

        assertTrue(fakes.get(0).shed() > 0, "the first replica shed requests");
        assertTrue(fakes.get(1).calls() > 0, "the second replica served");
        assertEquals(0, json.getAsJsonObject("errors").size(), "every shed request was retried: " + json);
        assertTrue(json.get("completed").getAsLong() > 0);
    }

    @Test
    void withoutRetriesEveryShedRequestIsAnError() throws Exception {
        String targets = replica(2) + "," + replica(0);

        JsonObject json =
                run("--target", targets, "--concurrency", "4", "--duration", "1s", "--warmup", "0s", "--steps", "2");

        assertTrue(json.getAsJsonObject("errors").get("RESOURCE_EXHAUSTED").getAsLong() > 0, json.toString());
        assertTrue(fakes.get(1).calls() > 0, "the second replica served");
    }
}
