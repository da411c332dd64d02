package dev.strobe.loadtest.bench;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Medians over the benchmark's rounds, as a readable table and one JSON object. Ratios are taken
 * within each round (the two sides ran back to back) and their median is reported.
 */
final class BenchReport {
    private final List<BenchRound> rounds;
    private final String model;
    private final String size;
    private final int concurrency;

    BenchReport(List<BenchRound> rounds, String model, String size, int concurrency) {
        this.rounds = rounds;
        this.model = model;
        this.size = size;
        this.concurrency = concurrency;
    }

    double median(ToDoubleFunction<BenchRound> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    Map<String, Object> json() {
        BenchRound first = rounds.get(0);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("size", size);
        j.put("rounds", rounds.size());
        j.put("concurrency", concurrency);
        j.put("max_batch", first.maxBatch());
        j.put("engine_images_per_s", round(median(BenchRound::engineBest)));
        j.put("engine_batching_gain", round(median(BenchRound::engineGain)));
        j.put("server_images_per_s", round(median(r -> r.batched().imagesPerSecond())));
        j.put("server_efficiency", round(median(BenchRound::serverEfficiency)));
        j.put("server_images_per_s_max_batch_1", round(median(r -> r.single().imagesPerSecond())));
        j.put("batching_gain", round(median(BenchRound::batchingGain)));
        j.put("ttfp_p50_ms", round(median(r -> r.batched().timeToFirstPreview().p50())));
        j.put("ttfp_p99_ms", round(median(r -> r.batched().timeToFirstPreview().p99())));
        j.put("latency_p50_ms", round(median(r -> r.batched().timeToFinalImage().p50())));
        j.put("latency_p99_ms", round(median(r -> r.batched().timeToFinalImage().p99())));
        Map<String, Object> engine = new LinkedHashMap<>();
        for (int b : first.engine().keySet()) {
            engine.put(String.valueOf(b), round(median(r -> r.engine().get(b))));
        }
        j.put("engine_images_per_s_by_batch", engine);
        j.put("mean_unet_batch", round(median(r -> r.meanBatches().getOrDefault("denoise", 0.0))));
        j.put("errors", rounds.stream().mapToLong(r -> r.batched().errorCount() + r.single().errorCount()).sum());
        j.put("per_round", perRound());
        return j;
    }

    private List<Map<String, Object>> perRound() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BenchRound r : rounds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine_best", round(r.engineBest()));
            m.put("engine_gain", round(r.engineGain()));
            m.put("server", round(r.batched().imagesPerSecond()));
            m.put("server_max_batch_1", round(r.single().imagesPerSecond()));
            out.add(m);
        }
        return out;
    }

    String table() {
        StringBuilder b = new StringBuilder();
        int mb = rounds.get(0).maxBatch();
        row(b, "measurement", "median", rounds.size() > 1 ? "per round" : "");
        for (int batch : rounds.get(0).engine().keySet()) {
            figure(b, "engine, batch " + batch + " (images/s)", r -> r.engine().get(batch));
        }
        figure(b, "engine batching gain (batch " + mb + " / batch 1)", BenchRound::engineGain);
        figure(b, "server, max_batch " + mb + ", " + concurrency + " streams (images/s)", r -> r.batched().imagesPerSecond());
        figure(b, "server, max_batch 1, " + concurrency + " streams (images/s)", r -> r.single().imagesPerSecond());
        figure(b, "server efficiency (server / best engine; >= 0.90)", BenchRound::serverEfficiency);
        double target = 0.9 * median(BenchRound::engineGain);
        figure(b, String.format(Locale.ROOT, "server batching gain (>= %.3f)", target), BenchRound::batchingGain);
        figure(b, "mean images per UNet call (max_batch " + mb + ")", r -> r.meanBatches().getOrDefault("denoise", 0.0));
        figure(b, "time to first preview p50 (ms)", r -> r.batched().timeToFirstPreview().p50());
        figure(b, "time to first preview p99 (ms)", r -> r.batched().timeToFirstPreview().p99());
        figure(b, "time to final image p50 (ms)", r -> r.batched().timeToFinalImage().p50());
        figure(b, "time to final image p99 (ms)", r -> r.batched().timeToFinalImage().p99());
        return b.toString();
    }

    private void figure(StringBuilder b, String name, ToDoubleFunction<BenchRound> f) {
        String each = Arrays.toString(rounds.stream().mapToDouble(f).map(BenchReport::round).toArray());
        row(b, name, String.format(Locale.ROOT, "%.3f", median(f)), rounds.size() > 1 ? each : "");
    }

    private static void row(StringBuilder b, String name, String value, String rest) {
        b.append(String.format(Locale.ROOT, "%-58s %10s  %s%n", name, value, rest));
    }

    String toJson() {
        return new GsonBuilder().disableHtmlEscaping().create().toJson(json());
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
