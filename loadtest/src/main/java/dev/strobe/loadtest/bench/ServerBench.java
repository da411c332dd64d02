package dev.strobe.loadtest.bench;

import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.grpc.GrpcTransport;
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
 * N concurrent closed-loop streams with previews on, measured by the load driver. Main thread.
 */
final class ServerBench {
    private final ServerSettings base;
    private final RequestMix mix;
    private final RunWindow window;

    /**
     * What one run measured.
     *
     * @param othersCpu share of the machine's CPU other processes used
     * @param cpuSeconds CPU seconds this process used (server and load driver)
     */
    record Run(
            RunSummary summary,
            Map<String, Double> meanBatches,
            Map<String, Double> callMillis,
            double othersCpu,
            double cpuSeconds) {}

    ServerBench(ServerSettings base, RequestMix mix, RunWindow window) {
        this.base = base;
        this.mix = mix;
        this.window = window;
    }

    /** One run of a fresh server with configuration {@code c}. */
    Run run(ServerConfig c, int concurrency) throws Exception {
        ServerSettings s = base.toBuilder()
                .batcher(base.batcher()
                        .withDenoise(new StagePolicy(
                                c.maxBatch(), base.batcher().denoise().maxWait()))
                        .withDenoiseOrder(c.order()))
                .build();
        try (StrobeServer server = StrobeServer.start(s, GrpcTransport.netty());
                StrobeClient client = StrobeClient.builder()
                        .target("localhost:" + server.port())
                        .retryPolicy(RetryPolicy.noRetries())
                        .build()) {
            LoadDriver driver =
                    new LoadDriver(new ClientRequestSender(client, Duration.ofMinutes(5)), mix, new SystemTicker());
            CpuShare cpu = CpuShare.start();
            RunSummary summary = driver.runClosedLoop(concurrency, window, new Random(7));
            double others = cpu.othersSinceStart();
            double self = cpu.selfSecondsSinceStart();
            return new Run(
                    summary,
                    MeanBatches.of(server.metrics().registry()),
                    MeanBatches.callMillis(server.metrics().registry()),
                    others,
                    self);
        }
    }
}
