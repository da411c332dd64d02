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
 * The benchmark's rounds as a readable table and one JSON object. Every figure is reported as the
 * median over the rounds with its range and spread ((max - min) / median), and each round's value.
 * Ratios are taken within a round between runs measured back to back: a server run's efficiency
 * against the mean of the pipeline runs just before and just after it, the denoise orders against each other, batched against
 * max_batch 1. Plain arithmetic, no threads.
 */
final class BenchReport {
    /** Configuration keys: the two denoise orders at max_batch N, and max_batch 1. */
    static final String FIRST_STEP = "first_step";

    static final String OLDEST = "oldest";
    static final String SINGLE = "max_batch_1";

    /** The targets the table states. */
    static final double EFFICIENCY_TARGET = 0.90;

    static final double TTFP_GAIN_TARGET = 3.0;
    static final double THROUGHPUT_RATIO_TARGET = 0.95;

    private final List<BenchRound> rounds;
    private final String model;
    private final String size;
    private final int concurrency;
    private final String defaultKey;

    /** @param defaultKey the configuration a server runs by default (its order), FIRST_STEP or OLDEST */
    BenchReport(List<BenchRound> rounds, String model, String size, int concurrency, String defaultKey) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds to report");
        }
        this.rounds = rounds;
        this.model = model;
        this.size = size;
        this.concurrency = concurrency;
        this.defaultKey = defaultKey;
    }

    double[] values(ToDoubleFunction<BenchRound> f) {
        return rounds.stream().mapToDouble(f).toArray();
    }

    double median(ToDoubleFunction<BenchRound> f) {
        return median(values(f));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    double min(ToDoubleFunction<BenchRound> f) {
        return Arrays.stream(values(f)).min().orElse(Double.NaN);
    }

    /** (max - min) / median over the rounds; 0 for one round. */
    double spread(ToDoubleFunction<BenchRound> f) {
        double[] v = values(f);
        double lo = Arrays.stream(v).min().orElse(Double.NaN);
        double hi = Arrays.stream(v).max().orElse(Double.NaN);
        return (hi - lo) / median(v);
    }

    /** The efficiency of {@code key} in one round: its throughput over the pipeline's just before it. */
    static ToDoubleFunction<BenchRound> efficiency(String key) {
        return r -> r.server(key).efficiency();
    }

    /** Oldest-first TTFP p99 over first-step TTFP p99 within a round. */
    static double ttfpP99Gain(BenchRound r) {
        return r.server(OLDEST).ttfpP99() / r.server(FIRST_STEP).ttfpP99();
    }

    /**
     * First-step throughput over oldest-first throughput within a round, each taken against the
     * pipeline runs around it (their efficiencies' ratio): the machine's pace moves between two
     * server runs (the pipeline alone went from 54.8 to 41.7 images/s within one round at 256x256
     * here), and that is not a difference between the orders.
     */
    static double throughputRatio(BenchRound r) {
        return r.server(FIRST_STEP).efficiency() / r.server(OLDEST).efficiency();
    }

    /** First-step images/s over oldest-first images/s within a round, as measured. */
    static double rawThroughputRatio(BenchRound r) {
        return r.server(FIRST_STEP).imagesPerSecond() / r.server(OLDEST).imagesPerSecond();
    }

    /** The smallest server efficiency of the batched runs in a round (both orders). */
    static double worstBatchedEfficiency(BenchRound r) {
        return Math.min(r.server(FIRST_STEP).efficiency(), r.server(OLDEST).efficiency());
    }

    Map<String, Object> json() {
        BenchRound first = rounds.get(0);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("size", size);
        j.put("rounds", rounds.size());
        j.put("concurrency", concurrency);
        j.put("max_batch", first.maxBatch());
        j.put("default_order", defaultKey);
        j.put("engine_images_per_s", n(median(BenchRound::engineBest)));
        j.put("engine_batching_gain", n(median(BenchRound::engineGain)));
        j.put("server_images_per_s", n(median(r -> r.server(defaultKey).imagesPerSecond())));
        j.put("server_efficiency", n(median(efficiency(defaultKey))));
        j.put("server_efficiency_min", n(min(efficiency(defaultKey))));
        j.put("server_cpu_efficiency", n(median(r -> r.server(defaultKey).cpuEfficiency())));
        j.put("server_images_per_s_max_batch_1", n(median(r -> r.server(SINGLE).imagesPerSecond())));
        j.put("batching_gain", n(median(r -> r.batchingGain(defaultKey, SINGLE))));
        j.put("ttfp_p50_ms", n(median(r -> r.server(defaultKey).ttfpP50())));
        j.put("ttfp_p99_ms", n(median(r -> r.server(defaultKey).ttfpP99())));
        j.put("latency_p50_ms", n(median(r -> r.server(defaultKey).latencyP50())));
        j.put("latency_p99_ms", n(median(r -> r.server(defaultKey).latencyP99())));
        j.put("ttfp_p99_gain", n(median(BenchReport::ttfpP99Gain)));
        j.put("throughput_ratio_first_step_to_oldest", n(median(BenchReport::throughputRatio)));
        j.put("throughput_ratio_first_step_to_oldest_raw", n(median(BenchReport::rawThroughputRatio)));
        Map<String, Object> orders = new LinkedHashMap<>();
        for (String key : List.of(FIRST_STEP, OLDEST, SINGLE)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("images_per_s", n(median(r -> r.server(key).imagesPerSecond())));
            o.put("efficiency", n(median(efficiency(key))));
            o.put("efficiency_min", n(min(efficiency(key))));
            o.put("cpu_efficiency", n(median(r -> r.server(key).cpuEfficiency())));
            o.put("ttfp_p50_ms", n(median(r -> r.server(key).ttfpP50())));
            o.put("ttfp_p99_ms", n(median(r -> r.server(key).ttfpP99())));
            o.put("latency_p50_ms", n(median(r -> r.server(key).latencyP50())));
            o.put("latency_p99_ms", n(median(r -> r.server(key).latencyP99())));
            o.put("mean_unet_batch", n(median(r -> r.server(key).meanUnetBatch())));
            orders.put(key, o);
        }
        j.put("servers", orders);
        Map<String, Object> engine = new LinkedHashMap<>();
        for (int b : first.engine().keySet()) {
            engine.put(String.valueOf(b), n(median(r -> r.engine().get(b))));
        }
        j.put("engine_images_per_s_by_batch", engine);
        j.put("mean_unet_batch", n(median(r -> r.server(defaultKey).meanUnetBatch())));
        Map<String, Object> spread = new LinkedHashMap<>();
        spread.put("engine_best", n(spread(BenchRound::engineBest)));
        spread.put("engine_batch_1", n(spread(r -> r.engine().getOrDefault(1, Double.NaN))));
        spread.put("server", n(spread(r -> r.server(defaultKey).imagesPerSecond())));
        spread.put("server_efficiency", n(spread(efficiency(defaultKey))));
        j.put("spread", spread);
        j.put("others_cpu_share", n(median(BenchReport::othersCpu)));
        j.put(
                "errors",
                rounds.stream()
                        .flatMap(r -> r.servers().values().stream())
                        .mapToLong(w -> w.summary().errorCount())
                        .sum());
        j.put("per_round", perRound());
        return j;
    }

    /** The median share of the machine's CPU other processes used during a round's server runs. */
    static double othersCpu(BenchRound r) {
        return median(r.servers().values().stream()
                .mapToDouble(ServerWindow::othersCpu)
                .toArray());
    }

    private List<Map<String, Object>> perRound() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BenchRound r : rounds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine_best", n(r.engineBest()));
            m.put("engine_best_batch", r.engineBestBatch());
            m.put("engine_gain", n(r.engineGain()));
            for (Map.Entry<String, ServerWindow> e : r.servers().entrySet()) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("images_per_s", n(e.getValue().imagesPerSecond()));
                w.put("engine_before", n(e.getValue().engineBefore()));
                w.put("engine_after", n(e.getValue().engineAfter()));
                w.put("cpu_efficiency", n(e.getValue().cpuEfficiency()));
                w.put("efficiency", n(e.getValue().efficiency()));
                w.put("ttfp_p99_ms", n(e.getValue().ttfpP99()));
                w.put("others_cpu_share", n(e.getValue().othersCpu()));
                m.put(e.getKey(), w);
            }
            out.add(m);
        }
        return out;
    }

    String table() {
        StringBuilder b = new StringBuilder();
        int mb = rounds.get(0).maxBatch();
        row(b, "measurement", "median", "min..max", "spread", rounds.size() > 1 ? "per round" : "");
        for (int batch : rounds.get(0).engine().keySet()) {
            figure(b, "engine, batch " + batch + " (images/s)", r -> r.engine().get(batch));
        }
        figure(b, "engine batching gain (batch " + mb + " / batch 1)", BenchRound::engineGain);
        for (String key : List.of(FIRST_STEP, OLDEST, SINGLE)) {
            String label = label(key, mb);
            figure(
                    b,
                    "engine around " + label + " (images/s)",
                    r -> r.server(key).engine());
            figure(
                    b,
                    "server, " + label + ", " + concurrency + " streams (images/s)",
                    r -> r.server(key).imagesPerSecond());
        }
        figure(
                b,
                String.format(Locale.ROOT, "server efficiency, %s (>= %.2f)", label(FIRST_STEP, mb), EFFICIENCY_TARGET),
                efficiency(FIRST_STEP));
        figure(
                b,
                String.format(Locale.ROOT, "server efficiency, %s (>= %.2f)", label(OLDEST, mb), EFFICIENCY_TARGET),
                efficiency(OLDEST));
        figure(
                b,
                "server efficiency per CPU-second, " + label(FIRST_STEP, mb),
                r -> r.server(FIRST_STEP).cpuEfficiency());
        figure(
                b,
                "server efficiency per CPU-second, " + label(OLDEST, mb),
                r -> r.server(OLDEST).cpuEfficiency());
        double target = 0.9 * median(BenchRound::engineGain);
        figure(
                b,
                String.format(Locale.ROOT, "server batching gain, %s (>= %.3f)", label(defaultKey, mb), target),
                r -> r.batchingGain(defaultKey, SINGLE));
        for (String key : List.of(FIRST_STEP, OLDEST)) {
            String label = label(key, mb);
            figure(b, "mean images per UNet call, " + label, r -> r.server(key).meanUnetBatch());
            figure(
                    b,
                    "time to first preview p50 (ms), " + label,
                    r -> r.server(key).ttfpP50());
            figure(
                    b,
                    "time to first preview p99 (ms), " + label,
                    r -> r.server(key).ttfpP99());
            figure(
                    b,
                    "time to final image p50 (ms), " + label,
                    r -> r.server(key).latencyP50());
            figure(
                    b,
                    "time to final image p99 (ms), " + label,
                    r -> r.server(key).latencyP99());
        }
        figure(
                b,
                String.format(Locale.ROOT, "TTFP p99 oldest / first-step (>= %.1f)", TTFP_GAIN_TARGET),
                BenchReport::ttfpP99Gain);
        figure(
                b,
                String.format(
                        Locale.ROOT,
                        "throughput first-step / oldest, each against its pipeline runs (>= %.2f)",
                        THROUGHPUT_RATIO_TARGET),
                BenchReport::throughputRatio);
        figure(b, "throughput first-step / oldest, images/s as measured", BenchReport::rawThroughputRatio);
        figure(b, "CPU share of other processes during server runs", BenchReport::othersCpu);
        return b.toString();
    }

    private String label(String key, int mb) {
        String name = switch (key) {
            case FIRST_STEP -> "max_batch " + mb + " first-step";
            case OLDEST -> "max_batch " + mb + " oldest";
            default -> "max_batch 1";
        };
        return key.equals(defaultKey) ? name + " (default)" : name;
    }

    private void figure(StringBuilder b, String name, ToDoubleFunction<BenchRound> f) {
        String each =
                Arrays.toString(Arrays.stream(values(f)).map(BenchReport::round).toArray());
        String range = String.format(
                Locale.ROOT,
                "%.3f..%.3f",
                Arrays.stream(values(f)).min().orElse(Double.NaN),
                Arrays.stream(values(f)).max().orElse(Double.NaN));
        row(
                b,
                name,
                String.format(Locale.ROOT, "%.3f", median(f)),
                range,
                String.format(Locale.ROOT, "%.0f%%", 100 * spread(f)),
                rounds.size() > 1 ? each : "");
    }

    private static void row(StringBuilder b, String name, String value, String range, String spread, String rest) {
        b.append(String.format(Locale.ROOT, "%-58s %10s %18s %7s  %s%n", name, value, range, spread, rest));
    }

    String toJson() {
        return new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(json());
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    /** A figure for the JSON line: rounded, null when there is none (NaN). */
    static Double n(double v) {
        return Double.isFinite(v) ? round(v) : null;
    }
}
