package dev.strobe.loadtest.bench;

import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.loadtest.driver.LoadDriver;
import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.SystemTicker;
import dev.strobe.loadtest.grpc.ClientRequestSender;
import dev.strobe.scheduler.StagePolicy;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * The whole server over gRPC on loopback: a real strobe server (Netty, port 0) in this process and
 * N concurrent closed-loop streams with previews on, measured by the load driver.
 */
final class ServerBench {
    private final ServerSettings base;
    private final RequestMix mix;
    private final RunWindow window;
    private Map<String, Double> lastMeanBatches = Map.of();

    ServerBench(ServerSettings base, RequestMix mix, RunWindow window) {
        this.base = base;
        this.mix = mix;
        this.window = window;
    }

    /** Mean items per call by stage in the last run (from the server's metrics). */
    Map<String, Double> lastMeanBatches() {
        return lastMeanBatches;
    }

    /** One run with the UNet batch capped at {@code maxBatch}. */
    RunSummary run(int maxBatch, int concurrency) throws Exception {
        ServerSettings s = base.withBatcher(base.batcher().withDenoise(
                new StagePolicy(maxBatch, base.batcher().denoise().maxWait())));
        try (StrobeServer server = StrobeServer.start(s, null);
                StrobeClient client = StrobeClient.builder()
                        .target("localhost:" + server.port())
                        .retryPolicy(RetryPolicy.noRetries())
                        .build()) {
            LoadDriver driver = new LoadDriver(
                    new ClientRequestSender(client, Duration.ofMinutes(5)), mix, new SystemTicker());
            RunSummary summary = driver.runClosedLoop(concurrency, window, new Random(7));
            lastMeanBatches = MeanBatches.of(server.metrics().registry());
            return summary;
        }
    }
}
