package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.WeightedSpec;
import dev.strobe.model.ModelRepository;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.scheduler.DenoiseOrder;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strobe bench}: measures, in one run and on one machine, the pipeline's own throughput at
 * each batch size (no server), then the server's throughput over gRPC on loopback with N
 * concurrent streams (previews on) in three configurations: max_batch N with each denoise order
 * (first-step and oldest), and max_batch 1. It does so in several rounds, and around every server
 * run it measures the pipeline alone again for a few seconds at the round's best batch size, so
 * that each efficiency compares windows measured back to back (server against the mean of the
 * pipeline runs just before and just after it): on a shared machine the load of other processes
 * moves them alike, and the tool reports that load beside the figures, with an efficiency per
 * CPU-second of this process that other processes' load hardly moves. The
 * order of the configurations alternates between rounds. Prints every figure's median, range and
 * spread, a table and, as its last line, one JSON object. Main thread.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Engine and server throughput, batching gains and latencies, measured side by side.")
public final class BenchMain implements Callable<Integer> {
    @Option(
            names = "--models",
            defaultValue = "models",
            description = "Model repository (tiny models are generated if empty).")
    Path models;

    @Option(
            names = "--model",
            defaultValue = "tiny-lightning-4step",
            description = "Model to measure. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--size", defaultValue = "1024x1024", description = "Image size. Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(
            names = "--batches",
            defaultValue = "1,2,4,8",
            split = ",",
            description = "Engine batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(
            names = "--engine-images",
            defaultValue = "16",
            description = "Least images per engine batch size. Default: ${DEFAULT-VALUE}.")
    int engineImages;

    @Option(
            names = "--engine-seconds",
            defaultValue = "8",
            description =
                    "Least seconds per engine measurement (the sweep and the run before each server run). Default: ${DEFAULT-VALUE}.")
    double engineSeconds;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            description = "Concurrent streams against the server. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(
            names = "--max-batch",
            defaultValue = "8",
            description = "UNet max batch of the batched server runs. Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(
            names = "--duration",
            defaultValue = "30",
            description = "Seconds measured per server run. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description =
                    "Seconds of warm-up per server run; the unmeasured run of each configuration before round 1 lasts twice that (0: no warm-up). Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds of all measurements; medians are reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    private final PrintStream out;

    BenchMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        WeightedSpec.ImageSize parsed = WeightedSpec.parseSize(size);
        ImageSize imageSize = new ImageSize(parsed.width(), parsed.height());
        BenchSetup.ensureModels(models);
        ModelRepository.Entry entry = new ModelRepository(models)
                .scan().stream()
                        .filter(e -> e.manifest().name.equals(model))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no model " + model + " in " + models));

        ServerSettings settings = ServerSettings.forModels(models, 0);
        RequestMix mix = BenchSetup.oneShape(parsed, model);
        RunWindow window = BenchSetup.window(warmupSeconds, durationSeconds);
        ServerBench server = new ServerBench(settings, mix, window);
        List<ServerConfig> configs = List.of(
                new ServerConfig(BenchReport.FIRST_STEP, maxBatch, DenoiseOrder.FIRST_STEP),
                new ServerConfig(BenchReport.OLDEST, maxBatch, DenoiseOrder.OLDEST),
                new ServerConfig(BenchReport.SINGLE, 1, BatcherConfig.DEFAULT_ORDER));
        List<BenchRound> done = new ArrayList<>();
        LoadedModel loaded = new ModelLoader(StrobeServer.engines(), "").load(entry);
        try {
            EngineBench engineBench = new EngineBench(loaded, new PipelineImageCodec(), System::nanoTime);
            for (int b : batches) { // JIT and ONNX Runtime warm-up, not measured
                engineBench.imagesPerSecond(b, imageSize, b, 0, RequestMix.DEFAULT_PROMPTS);
            }
            // The JVM's first servers run cold (the gRPC, rendering and scheduling paths are not yet
            // compiled): one short run of each configuration, not measured, so that round 1 is measured
            // as warm as the others.
            // --warmup 0 asks for no warm-up at all (and a zero window cannot be measured).
            if (warmupSeconds > 0) {
                ServerBench warm = new ServerBench(settings, mix, BenchSetup.window(warmupSeconds, warmupSeconds));
                for (ServerConfig c : configs) {
                    warm.run(c, concurrency);
                }
                out.printf(
                        Locale.ROOT,
                        "warm-up: one unmeasured %d s run of each server configuration%n",
                        2 * warmupSeconds);
            }
            for (int r = 1; r <= rounds; r++) {
                Map<Integer, Double> engine = new LinkedHashMap<>();
                for (int b : batches) {
                    int images = Math.max(engineImages, 2 * b);
                    engine.put(
                            b,
                            engineBench.imagesPerSecond(
                                    b, imageSize, images, engineSeconds, RequestMix.DEFAULT_PROMPTS));
                    out.printf(Locale.ROOT, "round %d  engine batch %2d: %6.3f images/s%n", r, b, engine.get(b));
                }
                int best = engine.entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
                Map<String, ServerWindow> windows = new LinkedHashMap<>();
                // Pipeline, server, pipeline, server, ...: each server run sits between two pipeline runs.
                EngineBench.Pace before =
                        engineBench.pace(best, imageSize, best, engineSeconds, RequestMix.DEFAULT_PROMPTS);
                for (ServerConfig c : roundOrder(configs, r)) {
                    ServerBench.Run run = server.run(c, concurrency);
                    EngineBench.Pace after =
                            engineBench.pace(best, imageSize, best, engineSeconds, RequestMix.DEFAULT_PROMPTS);
                    double serverPerCpu = run.summary().images() / run.cpuSeconds();
                    double cpuEfficiency =
                            serverPerCpu / ((before.imagesPerCpuSecond() + after.imagesPerCpuSecond()) / 2);
                    ServerWindow w = new ServerWindow(
                            run.summary(),
                            run.meanBatches(),
                            before.imagesPerSecond(),
                            after.imagesPerSecond(),
                            run.othersCpu(),
                            cpuEfficiency);
                    windows.put(c.key(), w);
                    out.printf(
                            Locale.ROOT,
                            "round %d  server %-24s %6.3f images/s between engine batch %d runs of %.3f and %.3f"
                                    + " (efficiency %.3f, per CPU-second %.3f, TTFP p99 %.0f ms, mean batches %s,"
                                    + " mean ms per call %s, other processes %.0f%% CPU)%n",
                            r,
                            c.label(),
                            w.imagesPerSecond(),
                            best,
                            w.engineBefore(),
                            w.engineAfter(),
                            w.efficiency(),
                            cpuEfficiency,
                            w.ttfpP99(),
                            run.meanBatches(),
                            run.callMillis(),
                            100 * run.othersCpu());
                    before = after;
                }
                done.add(new BenchRound(engine, maxBatch, windows));
            }
        } finally {
            loaded.pipeline().close();
        }
        String defaultKey =
                BatcherConfig.DEFAULT_ORDER == DenoiseOrder.FIRST_STEP ? BenchReport.FIRST_STEP : BenchReport.OLDEST;
        BenchReport report = new BenchReport(done, model, size, concurrency, defaultKey);
        out.println();
        out.print(report.table());
        out.println(report.toJson());
        return 0;
    }

    /** The configurations in round {@code r}'s order: rotated each round, so no one always runs first. */
    static List<ServerConfig> roundOrder(List<ServerConfig> configs, int r) {
        List<ServerConfig> order = new ArrayList<>(configs);
        java.util.Collections.rotate(order, -((r - 1) % configs.size()));
        return order;
    }
}
