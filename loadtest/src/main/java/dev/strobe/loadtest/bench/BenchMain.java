package dev.strobe.loadtest.bench;

import dev.strobe.grpc.EdgeSettings;
import dev.strobe.loadtest.driver.RequestMix;
import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.loadtest.driver.RunWindow;
import dev.strobe.loadtest.driver.WeightedChoice;
import dev.strobe.loadtest.driver.WeightedSpec;
import dev.strobe.model.ModelRepository;
import dev.strobe.pipeline.ImageSize;
import dev.strobe.pipeline.LoadedModel;
import dev.strobe.pipeline.ModelLoader;
import dev.strobe.pipeline.PipelineImageCodec;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.tiny.TinyModelSet;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * concurrent streams (previews on) with the UNet batch capped at 8 and at 1; all of it in several
 * rounds, reporting medians (machines are noisy). Prints a table and, as its last line, one JSON
 * object with the figures and their ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Engine and server throughput, batching gains and latencies, measured side by side.")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--models", defaultValue = "models", description = "Model repository (tiny models are generated if empty).")
    Path models;

    @Option(names = "--model", defaultValue = "tiny-lightning-4step", description = "Model to measure. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--size", defaultValue = "1024x1024", description = "Image size. Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--batches", defaultValue = "1,2,4,8", split = ",", description = "Engine batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--engine-images", defaultValue = "16", description = "Images per engine batch size. Default: ${DEFAULT-VALUE}.")
    int engineImages;

    @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent streams against the server. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--max-batch", defaultValue = "8", description = "UNet max batch of the batched server run. Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(names = "--duration", defaultValue = "30", description = "Seconds measured per server run. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "8", description = "Seconds of warm-up per server run. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of all measurements; medians are reported. Default: ${DEFAULT-VALUE}.")
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
        if (!Files.isDirectory(models) || new ModelRepository(models).scan().isEmpty()) {
            TinyModelSet.writeAll(models, TinyModelSet.DEFAULT_SEED);
        }
        ModelRepository.Entry entry = new ModelRepository(models).scan().stream()
                .filter(e -> e.manifest().name.equals(model)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model " + model + " in " + models));

        ServerSettings settings = ServerSettings.forModels(models, 0).withEdge(EdgeSettings.plaintext(0));
        RequestMix mix = new RequestMix(WeightedChoice.only(parsed), WeightedChoice.only(model),
                RequestMix.DEFAULT_PROMPTS, true, 0, 0, 1);
        RunWindow window = new RunWindow(Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(60));
        ServerBench server = new ServerBench(settings, mix, window);
        List<BenchRound> done = new ArrayList<>();
        LoadedModel loaded = new ModelLoader(StrobeServer.engines(), "").load(entry);
        try {
            EngineBench engineBench = new EngineBench(loaded, new PipelineImageCodec(), System::nanoTime);
            for (int b : batches) { // JIT and ONNX Runtime warm-up, not measured
                engineBench.imagesPerSecond(b, imageSize, b, RequestMix.DEFAULT_PROMPTS);
            }
            for (int r = 1; r <= rounds; r++) {
                // The pipeline alone, then the server batched and unbatched, back to back.
                Map<Integer, Double> engine = new LinkedHashMap<>();
                for (int b : batches) {
                    int images = Math.max(engineImages, 2 * b);
                    engine.put(b, engineBench.imagesPerSecond(b, imageSize, images, RequestMix.DEFAULT_PROMPTS));
                    out.printf(Locale.ROOT, "round %d  engine batch %2d: %6.3f images/s%n", r, b, engine.get(b));
                }
                RunSummary batched = server.run(maxBatch, concurrency);
                Map<String, Double> meanBatches = server.lastMeanBatches();
                out.printf(Locale.ROOT, "round %d  server max_batch %d: %6.3f images/s (mean batch sizes %s)%n", r,
                        maxBatch, batched.imagesPerSecond(), meanBatches);
                RunSummary single = server.run(1, concurrency);
                out.printf(Locale.ROOT, "round %d  server max_batch 1: %6.3f images/s%n", r, single.imagesPerSecond());
                done.add(new BenchRound(engine, maxBatch, batched, single, meanBatches));
            }
        } finally {
            loaded.pipeline().close();
        }
        BenchReport report = new BenchReport(done, model, size, concurrency);
        out.println();
        out.print(report.table());
        out.println(report.toJson());
        return 0;
    }
}
