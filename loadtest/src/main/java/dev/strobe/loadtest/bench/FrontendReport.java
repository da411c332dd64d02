package dev.strobe.loadtest.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.strobe.loadtest.driver.RunSummary;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of {@code strobe bench frontends}: per frontend the median over the rounds of
 * images/s and of the time to first preview (p50 and p99), and HTTP's throughput as a share of
 * gRPC's (the median of the rounds' shares, each of two runs back to back). Errors are summed: a
 * run with errors is not a clean comparison. Immutable.
 */
final class FrontendReport {
    /** HTTP must keep at least this share of gRPC's throughput. */
    static final double REQUIRED_SHARE = 0.9;

    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    private final List<FrontendRound> rounds;
    private final String model;
    private final String size;
    private final int concurrency;

    FrontendReport(List<FrontendRound> rounds, String model, String size, int concurrency) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one round");
        }
        this.rounds = List.copyOf(rounds);
        this.model = model;
        this.size = size;
        this.concurrency = concurrency;
    }

    double httpShare() {
        return median(rounds.stream().mapToDouble(FrontendRound::httpShare).toArray());
    }

    double httpCpuShare() {
        return median(rounds.stream().mapToDouble(FrontendRound::httpCpuShare).toArray());
    }

    boolean meetsRequirement() {
        return httpShare() >= REQUIRED_SHARE && errors() == 0;
    }

    long errors() {
        return rounds.stream()
                .mapToLong(r ->
                        r.grpc().summary().errorCount() + r.http().summary().errorCount())
                .sum();
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "frontends: %s %s, %d concurrent streams, previews every step, medians" + " of %d rounds%n",
                model,
                size,
                concurrency,
                rounds.size()));
        b.append(String.format(
                Locale.ROOT,
                "%-9s %10s %12s %14s %14s %16s%n",
                "frontend",
                "images/s",
                "per CPU-s",
                "TTFP p50 ms",
                "TTFP p99 ms",
                "final p50 ms"));
        for (String f : List.of("grpc", "http")) {
            b.append(String.format(
                    Locale.ROOT,
                    "%-9s %10.3f %12.3f %14.1f %14.1f %16.1f%n",
                    f,
                    median(of(f, RunSummary::imagesPerSecond)),
                    median(ofRun(f, FrontendRound.Run::imagesPerCpuSecond)),
                    median(of(f, s -> p(s.timeToFirstPreview().p50()))),
                    median(of(f, s -> p(s.timeToFirstPreview().p99()))),
                    median(of(f, s -> p(s.timeToFinalImage().p50())))));
        }
        b.append(String.format(
                Locale.ROOT,
                "HTTP/gRPC throughput %.3f (rounds %s; required >= %.1f): %s%n",
                httpShare(),
                Arrays.toString(rounds.stream()
                        .mapToDouble(FrontendRound::httpShare)
                        .map(x -> Math.round(x * 1000) / 1000.0)
                        .toArray()),
                REQUIRED_SHARE,
                meetsRequirement() ? "met" : "NOT met"));
        b.append(String.format(
                Locale.ROOT,
                "HTTP/gRPC images per CPU-second %.3f (rounds %s); other processes used"
                        + " %.0f%% of the machine (median)%n",
                httpCpuShare(),
                Arrays.toString(rounds.stream()
                        .mapToDouble(FrontendRound::httpCpuShare)
                        .map(x -> Math.round(x * 1000) / 1000.0)
                        .toArray()),
                100
                        * median(rounds.stream()
                                .flatMapToDouble(r -> java.util.stream.DoubleStream.of(
                                        r.grpc().othersCpu(), r.http().othersCpu()))
                                .toArray())));
        return b.toString();
    }

    String toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model);
        o.put("size", size);
        o.put("concurrency", concurrency);
        o.put("rounds", rounds.size());
        for (String f : List.of("grpc", "http")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images_per_second", median(of(f, RunSummary::imagesPerSecond)));
            m.put("images_per_second_rounds", of(f, RunSummary::imagesPerSecond));
            m.put("images_per_cpu_second", median(ofRun(f, FrontendRound.Run::imagesPerCpuSecond)));
            m.put("ttfp_p50_ms", median(of(f, s -> p(s.timeToFirstPreview().p50()))));
            m.put("ttfp_p99_ms", median(of(f, s -> p(s.timeToFirstPreview().p99()))));
            m.put("final_p50_ms", median(of(f, s -> p(s.timeToFinalImage().p50()))));
            o.put(f, m);
        }
        o.put("http_share_of_grpc", httpShare());
        o.put(
                "http_share_of_grpc_rounds",
                rounds.stream().mapToDouble(FrontendRound::httpShare).toArray());
        o.put("http_cpu_share_of_grpc", httpCpuShare());
        o.put("errors", errors());
        o.put("meets_0_9", meetsRequirement());
        return GSON.toJson(o);
    }

    private double[] of(String frontend, ToDoubleFunction<RunSummary> f) {
        return ofRun(frontend, r -> f.applyAsDouble(r.summary()));
    }

    private double[] ofRun(String frontend, ToDoubleFunction<FrontendRound.Run> f) {
        return rounds.stream()
                .mapToDouble(r -> f.applyAsDouble(frontend.equals("grpc") ? r.grpc() : r.http()))
                .toArray();
    }

    private static double p(Double v) {
        return v == null ? Double.NaN : v;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
