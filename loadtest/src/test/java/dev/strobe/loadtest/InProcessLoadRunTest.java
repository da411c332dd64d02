package dev.strobe.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.loadtest.driver.LoadDriver;
import dev.strobe.loadtest.driver.PoissonArrivals;
import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.SystemTicker;
import dev.strobe.loadtest.grpc.ClientRequestSender;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One real run: the driver, the Java client and gRPC's in-process transport to a fake server. */
class InProcessLoadRunTest {

    private Server server;
    private ManagedChannel channel;
    private FakeGeneratorService fake;

    private StrobeClient start(FakeGeneratorService service) throws Exception {
        fake = service;
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        return StrobeClient.builder()
                .channel(channel)
                .retryPolicy(RetryPolicy.noRetries())
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination();
        fake.close();
    }

    @Test
    void anOpenLoopRunMeasuresEveryStreamAndCountsShedRequestsByCode() throws Exception {
        try (StrobeClient client = start(new FakeGeneratorService(15, 5))) {
            LoadDriver driver = new LoadDriver(
                    new ClientRequestSender(client, Duration.ofSeconds(10)), RequestMix.defaults(), new SystemTicker());

            RunSummary summary = driver.runOpenLoop(
                    new PoissonArrivals(40, new Random(1)),
                    new RunWindow(Duration.ofMillis(300), Duration.ofMillis(1500), Duration.ofSeconds(5)),
                    new Random(2));

            assertTrue(summary.completed() > 10, "completed " + summary.completed());
            assertEquals(summary.sent(), summary.completed() + summary.errorCount() + summary.incomplete());
            assertEquals(0, summary.incomplete());
            long shedMeasured = summary.errors().getOrDefault("RESOURCE_EXHAUSTED", 0L);
            assertEquals(summary.errorCount(), shedMeasured, "only shed requests fail");
            assertTrue(shedMeasured <= fake.shed());
            assertEquals(summary.completed(), summary.images());
            assertEquals(summary.completed(), summary.timeToFirstPreview().count());
            // Four steps of 15 ms: the final image cannot come before 60 ms, the first preview not before 15 ms.
            assertTrue(
                    summary.timeToFinalImage().p50() >= 60,
                    "latency p50 " + summary.timeToFinalImage().p50());
            assertTrue(
                    summary.timeToFirstPreview().p50() >= 15,
                    "ttfp p50 " + summary.timeToFirstPreview().p50());
            assertTrue(summary.timeToFirstPreview().p50()
                    < summary.timeToFinalImage().p50());
            assertEquals(0.5, summary.serverQueue().p50(), 0.01);
            assertTrue(summary.imagesPerSecond() > 0);
        }
    }
}
