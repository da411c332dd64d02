package dev.strobe.loadtest.bench;

import com.google.gson.GsonBuilder;
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
 * concurrent streams (previews on) with the UNet batch capped at 8 and at 1. Prints a table and,
 * as its last line, one JSON object with the figures and their ratios.
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

    @Option(names = "--engine-images", defaultValue = "24", description = "Images per engine batch size. Default: ${DEFAULT-VALUE}.")
    int engineImages;

    @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent streams against the server. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--max-batch", defaultValue = "8", description = "UNet max batch of the batched server run. Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(names = "--duration", defaultValue = "40", description = "Seconds measured per server run. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "8", description = "Seconds of warm-up per server run. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

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

        // 1. The pipeline alone.
        Map<Integer, Double> engine = new LinkedHashMap<>();
        LoadedModel loaded = new ModelLoader(StrobeServer.engines(), "").load(entry);
        try {
            EngineBench bench = new EngineBench(loaded, new PipelineImageCodec(), System::nanoTime);
            for (int b : batches) {
                int images = Math.max(engineImages, 2 * b);
                engine.put(b, bench.imagesPerSecond(b, imageSize, images, RequestMix.DEFAULT_PROMPTS));
                out.printf(Locale.ROOT, "engine  batch %2d: %6.3f images/s%n", b, engine.get(b));
            }
        } finally {
            loaded.pipeline().close();
        }
        int best = engine.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        double engineIps = engine.get(best);
        double engineGain = engine.getOrDefault(maxBatch, Double.NaN) / engine.getOrDefault(1, Double.NaN);

        // 2. The server, batched and unbatched, under the same load.
        ServerSettings settings = ServerSettings.forModels(models, 0).withEdge(EdgeSettings.plaintext(0));
        RequestMix mix = new RequestMix(WeightedChoice.only(parsed), WeightedChoice.only(model),
                RequestMix.DEFAULT_PROMPTS, true, 0, 0, 1);
        RunWindow window = new RunWindow(Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(60));
        ServerBench server = new ServerBench(settings, mix, window);
        RunSummary batched = server.run(maxBatch, concurrency);
        out.printf(Locale.ROOT, "        mean batch sizes: %s%n", server.lastMeanBatches());
        out.printf(Locale.ROOT, "server  max_batch %d: %6.3f images/s%n", maxBatch, batched.imagesPerSecond());
        RunSummary single = server.run(1, concurrency);
        out.printf(Locale.ROOT, "        mean batch sizes: %s%n", server.lastMeanBatches());
        out.printf(Locale.ROOT, "server  max_batch 1: %6.3f images/s%n", single.imagesPerSecond());

        double serverIps = batched.imagesPerSecond();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("size", size);
        json.put("engine_images_per_s", round(engineIps));
        json.put("engine_best_batch", best);
        json.put("engine_batching_gain", round(engineGain));
        json.put("server_images_per_s", round(serverIps));
        json.put("server_efficiency", round(serverIps / engineIps));
        json.put("server_images_per_s_max_batch_1", round(single.imagesPerSecond()));
        json.put("batching_gain", round(serverIps / single.imagesPerSecond()));
        json.put("batching_gain_vs_engine", round((serverIps / single.imagesPerSecond()) / engineGain));
        json.put("ttfp_p50_ms", batched.timeToFirstPreview().p50());
        json.put("ttfp_p99_ms", batched.timeToFirstPreview().p99());
        json.put("latency_p50_ms", batched.timeToFinalImage().p50());
        json.put("latency_p99_ms", batched.timeToFinalImage().p99());
        json.put("concurrency", concurrency);
        json.put("completed", batched.completed());
        json.put("errors", batched.errors());
        json.put("engine_images_per_s_by_batch", engine);

        out.println();
        out.println(table(json, engine, batched, single));
        out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(json));
        return 0;
    }

    private String table(Map<String, Object> j, Map<Integer, Double> engine, RunSummary batched, RunSummary single) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-44s %s%n", "model / size", j.get("model") + " " + j.get("size")));
        for (Map.Entry<Integer, Double> e : engine.entrySet()) {
            b.append(String.format(Locale.ROOT, "%-44s %8.3f images/s%n", "engine, batch " + e.getKey(), e.getValue()));
        }
        b.append(String.format(Locale.ROOT, "%-44s %8.3f  (batch %d over batch 1)%n", "engine batching gain",
                j.get("engine_batching_gain"), maxBatch));
        b.append(String.format(Locale.ROOT, "%-44s %8.3f images/s%n",
                "server, max_batch " + maxBatch + ", " + concurrency + " streams", batched.imagesPerSecond()));
        b.append(String.format(Locale.ROOT, "%-44s %8.3f images/s%n",
                "server, max_batch 1, " + concurrency + " streams", single.imagesPerSecond()));
        b.append(String.format(Locale.ROOT, "%-44s %8.3f  (target >= 0.90)%n", "server efficiency (server / engine)",
                j.get("server_efficiency")));
        b.append(String.format(Locale.ROOT, "%-44s %8.3f  (target >= 0.9 x engine gain = %.3f)%n",
                "server batching gain", j.get("batching_gain"), 0.9 * (double) j.get("engine_batching_gain")));
        b.append(String.format(Locale.ROOT, "%-44s p50 %.0f ms, p99 %.0f ms%n", "time to first preview",
                batched.timeToFirstPreview().p50(), batched.timeToFirstPreview().p99()));
        b.append(String.format(Locale.ROOT, "%-44s p50 %.0f ms, p99 %.0f ms%n", "time to final image",
                batched.timeToFinalImage().p50(), batched.timeToFinalImage().p99()));
        return b.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
