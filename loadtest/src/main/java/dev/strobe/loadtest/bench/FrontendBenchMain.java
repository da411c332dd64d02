package dev.strobe.loadtest.bench;

import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.loadtest.driver.LoadDriver;
import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RequestSender;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.SystemTicker;
import dev.strobe.loadtest.driver.WeightedSpec;
import dev.strobe.loadtest.grpc.ClientRequestSender;
import dev.strobe.loadtest.http.HttpRequestSender;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strobe bench frontends}: the same server measured through its two frontends in one run,
 * gRPC (the Java client) and HTTP/SSE ({@code POST /v1/images/generations} with
 * {@code strobe_previews: "all"}, the JDK's HTTP client), each with N concurrent closed-loop
 * streams and previews after every step. One server serves both, so both see the same warm
 * pipeline; the two alternate within every round and swap places between rounds, so neither always
 * runs first. Prints each run, then the medians over the rounds (images/s, time to first preview)
 * and HTTP's throughput as a share of gRPC's, and as its last line one JSON object. Main thread.
 */
@Command(
        name = "bench frontends",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Throughput and time to first preview over HTTP/SSE against gRPC, same server, same load.")
public final class FrontendBenchMain implements Callable<Integer> {
    @Option(
            names = "--models",
            defaultValue = "models",
            description = "Model repository (tiny models are generated if empty).")
    Path models;

    @Option(names = "--model", defaultValue = "tiny-lightning-4step", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--size", defaultValue = "512x512", description = "Image size. Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            description = "Concurrent streams per frontend run. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(
            names = "--duration",
            defaultValue = "15",
            description = "Seconds measured per run. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Seconds of warm-up per run. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds (one gRPC and one HTTP run each); medians are reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    private final PrintStream out;

    FrontendBenchMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new FrontendBenchMain(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        WeightedSpec.ImageSize parsed = WeightedSpec.parseSize(size);
        BenchSetup.ensureModels(models);
        ServerSettings settings =
                ServerSettings.forModels(models, 0).toBuilder().httpPort(0).build();
        RequestMix mix = BenchSetup.oneShape(parsed, model);
        RunWindow window = BenchSetup.window(warmupSeconds, durationSeconds);
        List<FrontendRound> done = new ArrayList<>();
        try (StrobeServer server = StrobeServer.start(settings, GrpcTransport.netty());
                StrobeClient client = StrobeClient.builder()
                        .target("localhost:" + server.port())
                        .retryPolicy(RetryPolicy.noRetries())
                        .build()) {
            RequestSender grpc = new ClientRequestSender(client, Duration.ofMinutes(5));
            RequestSender http = new HttpRequestSender(
                    HttpRequestSender.newClient(),
                    URI.create("http://localhost:" + server.httpPort()),
                    Duration.ofMinutes(5));
            for (int r = 1; r <= rounds; r++) {
                boolean grpcFirst = r % 2 == 1;
                FrontendRound.Run first = run(grpcFirst ? grpc : http, mix, window, r, grpcFirst ? "grpc" : "http");
                FrontendRound.Run second = run(grpcFirst ? http : grpc, mix, window, r, grpcFirst ? "http" : "grpc");
                done.add(grpcFirst ? new FrontendRound(first, second) : new FrontendRound(second, first));
            }
        }
        FrontendReport report = new FrontendReport(done, model, size, concurrency);
        out.println();
        out.print(report.table());
        out.println(report.toJson());
        return 0;
    }

    private FrontendRound.Run run(RequestSender sender, RequestMix mix, RunWindow window, int round, String name)
            throws InterruptedException {
        CpuShare cpu = CpuShare.start();
        RunSummary s =
                new LoadDriver(sender, mix, new SystemTicker()).runClosedLoop(concurrency, window, new Random(7));
        FrontendRound.Run run = new FrontendRound.Run(s, cpu.selfSecondsSinceStart(), cpu.othersSinceStart());
        out.printf(
                Locale.ROOT,
                "round %d  %-4s %d streams: %6.3f images/s (%.3f per CPU-second), TTFP p50 %s ms"
                        + " p99 %s ms, final image p50 %s ms, %d completed, %d errors, other processes %.0f%% CPU%n",
                round,
                name,
                concurrency,
                s.imagesPerSecond(),
                run.imagesPerCpuSecond(),
                s.timeToFirstPreview().p50(),
                s.timeToFirstPreview().p99(),
                s.timeToFinalImage().p50(),
                s.completed(),
                s.errorCount(),
                100 * run.othersCpu());
        return run;
    }
}
